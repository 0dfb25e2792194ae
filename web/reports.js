/*
 * FirstReply response-time dashboard (/admin/reports). Plain JS, no build step; charts by chart.js
 * (served from node_modules at /vendor/chart.umd.min.js). Talks to /api/reports/* with a bearer
 * token from /api/auth/login, kept in sessionStorage. Every value from the server is set with
 * textContent — never parsed as HTML. Periods are the server's (shop-local days); the browser's
 * clock is never used to pick them. See docs/reports.md.
 */
(() => {
  // biome-ignore lint/suspicious/noRedundantUseStrict: a classic script, not a module
  'use strict';

  const TOKEN_KEY = 'firstreply.reports.token';
  /** Signed in on /admin in this tab: that session works here too. */
  const ADMIN_TOKEN_KEY = 'firstreply.admin.token';
  const LANG_KEY = 'firstreply.reports.lang';
  const LIVE_EVERY_MS = 5000;
  let lang = localStorage.getItem(LANG_KEY) || (/^zh/i.test(navigator.language || '') ? 'zh' : 'en');

  const STR = {
    zh: {
      title: '响应报表',
      product: 'FirstReply 响应报表',
      loginTitle: '登录响应报表',
      loginHint: '主管和管理员可以查看报表。',
      login: '登录名',
      password: '密码',
      signIn: '登录',
      badLogin: '登录名或密码错误。',
      forbidden: '此账号不是主管或管理员，无法查看报表。',
      logout: '退出登录',
      switchLang: 'English',
      today: '今天',
      days7: '近 7 天',
      days30: '近 30 天',
      from: '从',
      to: '到',
      apply: '查询',
      allTiers: '全部分级',
      csvSummary: '下载汇总 CSV',
      csvConversations: '下载会话明细 CSV',
      loading: '加载中…',
      periodNote: (tz, gen) => `时区 ${tz} · 生成于 ${gen}`,
      kpi: {
        conversations: '会话数',
        firstHuman: '首次人工响应（中位数）',
        firstAny: '首次响应（含机器人）',
        average: '平均响应时间',
        reply30: '30 秒回复率',
        reply180: '3 分钟回复率',
        replyRate: '回复率',
        effective: '有效回复率（拼多多）',
        reaction: '接待反应时间（中位数）',
        conversion: '询单转化率',
      },
      sub: {
        conversations: (human, bot) => `转人工 ${human} · 机器人解决 ${bot}`,
        firstHuman: (p90, un) => `P90 ${p90} · 未回复 ${un}`,
        firstAny: (n) => `共 ${n} 个会话`,
        average: (n) => `${n} 次回复的平均`,
        rounds: (w, n) => `${w} / ${n} 轮`,
        customers: (a, n) => `${a} / ${n} 位顾客`,
        effective: (inv, n) => `无效 ${inv} / ${n} 位`,
        reaction: (un) => `未接待 ${un}`,
        conversion: (b, n) => `${b} / ${n} 位付款`,
      },
      live: '实时',
      liveUpdated: (t) => `更新于 ${t}`,
      queue: '排队',
      oldest: '最久',
      agentsOnline: '在线客服',
      load: (p) => `负载 ${p}`,
      overdue: '超时会话',
      noOverdue: '没有超时会话',
      todaySoFar: '今日累计',
      todayConversations: '会话',
      todayFirstHuman: '首次人工响应中位数',
      todayReplies: '回复',
      todayAverage: '平均响应',
      rolling: (m) => `近 ${m} 分钟首次响应`,
      alert: { raised: '告警中', cleared: '正常', off: '未开启' },
      threshold: (s) => `阈值 ${s}`,
      trend: '每日趋势',
      trendHint: '首次人工响应中位数、P90 与会话数',
      median: '中位数',
      p90: 'P90',
      conversationsSeries: '会话数',
      heat: '到访热力图',
      heatHint: '按星期与小时的日均新会话；下方为各小时首次人工响应中位数',
      heatFirst: '首响中位',
      heatLegend: '颜色越深来访越多；首响一行按分级目标着色（绿色达标，红色超时）。',
      hours: '按小时负载',
      hoursHint: '新会话（期间合计）与首次人工响应中位数',
      fhrMedian: '首次人工响应中位数',
      arrivals: '新会话',
      distribution: '首次响应分布',
      distributionHint: '已回复会话的占比',
      human: '人工',
      anyReply: '含机器人',
      tiers: '分级达标率',
      tiersHint: '与各分级目标对比',
      tierCols: ['分级', '目标', '会话', '首次回复达标', '回复达标', '结论'],
      meets: '达标',
      misses: '未达标',
      staffing: '排班建议',
      staffingHint: (aht, sl, w) =>
        `经验法则（每人每小时 15–20 个会话）与 Erlang C（平均处理 ${aht}，${sl} 在 ${w} 内接起）`,
      staffCols: ['时段', '日均人工会话', '经验法则', 'Erlang C', '预计接起率'],
      ruleOfThumb: '经验法则',
      erlang: 'Erlang C',
      agentsTitle: '客服明细',
      agentCols: [
        '客服',
        '接待会话',
        '协助',
        '回复',
        '平均响应',
        '首响中位',
        '反应中位',
        '转入',
        '转出',
        '超时',
        '在线小时',
        '每在线小时会话',
        '转化率',
      ],
      noData: '这段时间没有数据。',
      tier: { urgent: '紧急', general: '一般', complex: '复杂' },
      weekdays: ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
      seconds: (v) => `${v} 秒`,
      minutes: (v) => `${v} 分钟`,
      hoursUnit: (v) => `${v} 小时`,
      agentsUnit: (n) => `${n} 人`,
      error: (m) => `出错了：${m}`,
    },
    en: {
      title: 'Response reports',
      product: 'FirstReply reports',
      loginTitle: 'Sign in to the reports',
      loginHint: 'Supervisors and administrators can see the reports.',
      login: 'Login',
      password: 'Password',
      signIn: 'Sign in',
      badLogin: 'Wrong login or password.',
      forbidden: 'This account is not a supervisor or administrator.',
      logout: 'Sign out',
      switchLang: '中文',
      today: 'Today',
      days7: 'Last 7 days',
      days30: 'Last 30 days',
      from: 'From',
      to: 'To',
      apply: 'Show',
      allTiers: 'All tiers',
      csvSummary: 'Summary CSV',
      csvConversations: 'Conversations CSV',
      loading: 'Loading…',
      periodNote: (tz, gen) => `Time zone ${tz} · generated ${gen}`,
      kpi: {
        conversations: 'Conversations',
        firstHuman: 'First human response (median)',
        firstAny: 'First response (bot included)',
        average: 'Average response time',
        reply30: '30-second reply rate',
        reply180: '3-minute reply rate',
        replyRate: 'Reply rate',
        effective: 'Effective reply rate (Pinduoduo)',
        reaction: 'Reaction time (median)',
        conversion: 'Conversion',
      },
      sub: {
        conversations: (human, bot) => `${human} to agents · ${bot} solved by the bot`,
        firstHuman: (p90, un) => `p90 ${p90} · unanswered ${un}`,
        firstAny: (n) => `${n} conversations`,
        average: (n) => `mean of ${n} replies`,
        rounds: (w, n) => `${w} of ${n} rounds`,
        customers: (a, n) => `${a} of ${n} customers`,
        effective: (inv, n) => `${inv} invalid of ${n}`,
        reaction: (un) => `${un} never picked up`,
        conversion: (b, n) => `${b} of ${n} paid`,
      },
      live: 'Live',
      liveUpdated: (t) => `updated ${t}`,
      queue: 'Queue',
      oldest: 'oldest',
      agentsOnline: 'Agents online',
      load: (p) => `load ${p}`,
      overdue: 'Overdue chats',
      noOverdue: 'No overdue chats',
      todaySoFar: 'Today so far',
      todayConversations: 'Conversations',
      todayFirstHuman: 'First human response, median',
      todayReplies: 'Replies',
      todayAverage: 'Average response',
      rolling: (m) => `First response, last ${m} min`,
      alert: { raised: 'Alert', cleared: 'Normal', off: 'Off' },
      threshold: (s) => `threshold ${s}`,
      trend: 'Daily trend',
      trendHint: 'first human response median and p90, conversations',
      median: 'Median',
      p90: 'p90',
      conversationsSeries: 'Conversations',
      heat: 'Arrivals heat map',
      heatHint: 'new conversations per day by weekday and hour; below, first human response median by hour',
      heatFirst: 'FHR median',
      heatLegend:
        'Darker = more arrivals; the response row is coloured against the tier target (green met, red late).',
      hours: 'Load by hour',
      hoursHint: 'new conversations (period total) and first human response median',
      fhrMedian: 'First human response, median',
      arrivals: 'New conversations',
      distribution: 'First-response distribution',
      distributionHint: 'share of answered conversations',
      human: 'Human',
      anyReply: 'Bot included',
      tiers: 'Tier compliance',
      tiersHint: 'against the targets of each tier',
      tierCols: ['Tier', 'Target', 'Chats', 'First reply in time', 'Replies in time', 'Verdict'],
      meets: 'meets',
      misses: 'misses',
      staffing: 'Staffing suggestion',
      staffingHint: (aht, sl, w) =>
        `rule of thumb (15–20 chats per agent-hour) and Erlang C (handle time ${aht}, ${sl} picked up within ${w})`,
      staffCols: ['Hour', 'Human chats / day', 'Rule of thumb', 'Erlang C', 'Expected service level'],
      ruleOfThumb: 'Rule of thumb',
      erlang: 'Erlang C',
      agentsTitle: 'Agents',
      agentCols: [
        'Agent',
        'Chats',
        'Assisted',
        'Replies',
        'Avg response',
        'FHR median',
        'Reaction median',
        'In',
        'Out',
        'Overdue',
        'Online h',
        'Chats / online h',
        'Conversion',
      ],
      noData: 'Nothing in this period.',
      tier: { urgent: 'Urgent', general: 'General', complex: 'Complex' },
      weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
      seconds: (v) => `${v} s`,
      minutes: (v) => `${v} min`,
      hoursUnit: (v) => `${v} h`,
      agentsUnit: (n) => `${n}`,
      error: (m) => `Something went wrong: ${m}`,
    },
  };
  const T = () => STR[lang];

  const state = {
    token: sessionStorage.getItem(TOKEN_KEY) || sessionStorage.getItem(ADMIN_TOKEN_KEY),
    from: null,
    to: null,
    tier: '',
    summary: null,
    live: null,
    charts: {},
    liveTimer: null,
    seq: 0,
  };

  // ---------- helpers ----------
  /** Element builder: text only through textContent; attributes never carry markup. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') el.textContent = String(v);
      else if (k === 'class') el.className = v;
      else if (k === 'data') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
      else if (k === 'style') for (const [sk, sv] of Object.entries(v)) el.style.setProperty(sk, sv);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat())
      if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
    return el;
  }

  const round1 = (v) => Math.round(v * 10) / 10;
  /** Durations: seconds under 100 s, then minutes, then hours (one decimal). */
  function fmtSeconds(v) {
    if (v === null || v === undefined) return '–';
    if (v < 100) return T().seconds(round1(v));
    if (v < 3600) return T().minutes(round1(v / 60));
    return T().hoursUnit(round1(v / 3600));
  }
  function fmtPct(r) {
    if (r === null || r === undefined) return '–';
    return `${round1(r * 100)}%`;
  }
  const fmtNum = (v, digits = 0) =>
    v === null || v === undefined
      ? '–'
      : Number(v).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: digits });
  const tierName = (id) => T().tier[id] || id;
  const addDays = (date, n) => {
    const [y, m, d] = date.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
  };
  /** 0 = Monday … 6 = Sunday, for a local date label. */
  const weekdayOf = (date) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

  async function api(method, path, body) {
    const r = await fetch(path, {
      method,
      headers: {
        ...(state.token ? { authorization: `Bearer ${state.token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (r.status === 401 && path !== '/api/auth/login') {
      signOut();
      throw new Error('unauthenticated');
    }
    const text = await r.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { error: { message: text } };
    }
    if (!r.ok) {
      const err = new Error(data?.error?.message || `HTTP ${r.status}`);
      err.status = r.status;
      throw err;
    }
    return data;
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    if (sessionStorage.getItem(ADMIN_TOKEN_KEY) === state.token) sessionStorage.removeItem(ADMIN_TOKEN_KEY);
    state.token = null;
    clearInterval(state.liveTimer);
    state.liveTimer = null;
    render();
  }

  // ---------- login ----------
  function renderLogin(message) {
    document.title = `${T().title} · FirstReply`;
    const app = document.getElementById('app');
    const login = h('input', { autocomplete: 'username', required: true, name: 'login' });
    const password = h('input', {
      type: 'password',
      autocomplete: 'current-password',
      required: true,
      name: 'password',
    });
    const error = h('div', { class: 'error', role: 'alert', text: message || '' });
    const form = h(
      'form',
      {
        class: 'login',
        onsubmit: async (ev) => {
          ev.preventDefault();
          error.textContent = '';
          try {
            const r = await api('POST', '/api/auth/login', {
              login: login.value.trim(),
              password: password.value,
            });
            if (r.agent && r.agent.role === 'agent') {
              error.textContent = T().forbidden;
              return;
            }
            state.token = r.token;
            sessionStorage.setItem(TOKEN_KEY, r.token);
            render();
          } catch {
            error.textContent = T().badLogin;
          }
        },
      },
      h('h1', { text: T().loginTitle }),
      h('div', { class: 'muted', text: T().loginHint }),
      h('label', {}, T().login, login),
      h('label', {}, T().password, password),
      error,
      h('button', { class: 'primary', type: 'submit', text: T().signIn }),
    );
    app.replaceChildren(form);
    login.focus();
  }

  // ---------- dashboard skeleton ----------
  const slots = {};

  function renderShell() {
    document.title = `${T().title} · FirstReply`;
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    const app = document.getElementById('app');
    const langButton = h('button', {
      id: 'lang',
      text: T().switchLang,
      onclick: () => {
        lang = lang === 'zh' ? 'en' : 'zh';
        localStorage.setItem(LANG_KEY, lang);
        render();
      },
    });
    const top = h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'product', text: T().product }),
      h('div', { class: 'spacer' }),
      langButton,
      h('button', {
        id: 'logout',
        text: T().logout,
        onclick: async () => {
          try {
            await api('POST', '/api/auth/logout');
          } catch {
            // signed out either way
          }
          signOut();
        },
      }),
    );
    slots.from = h('input', { type: 'date', id: 'from', value: state.from || '' });
    slots.to = h('input', { type: 'date', id: 'to', value: state.to || '' });
    slots.tier = h('select', {
      id: 'tier',
      onchange: () => {
        state.tier = slots.tier.value;
        loadSummary();
      },
    });
    slots.note = h('span', { class: 'note', id: 'period-note' });
    const preset = (id, days) =>
      h('button', {
        id,
        text: days === 1 ? T().today : days === 7 ? T().days7 : T().days30,
        onclick: () => {
          const today = serverToday();
          if (!today) return;
          state.to = today;
          state.from = addDays(today, 1 - days);
          loadSummary();
        },
      });
    const controls = h(
      'div',
      { class: 'controls' },
      h('div', { class: 'group' }, preset('preset-today', 1), preset('preset-7', 7), preset('preset-30', 30)),
      h('div', { class: 'sep' }),
      h('label', { class: 'group' }, T().from, slots.from),
      h('label', { class: 'group' }, T().to, slots.to),
      h('button', {
        class: 'primary',
        id: 'apply',
        text: T().apply,
        onclick: () => {
          if (slots.from.value) state.from = slots.from.value;
          if (slots.to.value) state.to = slots.to.value;
          loadSummary();
        },
      }),
      slots.tier,
      h('div', { class: 'sep' }),
      h('button', { id: 'csv-summary', text: T().csvSummary, onclick: () => download('summary.csv') }),
      h('button', {
        id: 'csv-conversations',
        text: T().csvConversations,
        onclick: () => download('conversations.csv'),
      }),
      slots.note,
    );
    slots.error = h('div', { id: 'error' });
    slots.kpis = h('section', { class: 'kpis', id: 'kpis' });
    slots.live = h('div', { class: 'live', id: 'live' });
    slots.liveUpdated = h('span', { class: 'hint', id: 'live-updated' });
    const card = (id, span, title, hint, ...body) =>
      h(
        'section',
        { class: `card ${span}`, id },
        h('h2', {}, title, hint ? h('span', { class: 'hint', text: hint }) : null),
        ...body,
      );
    const canvas = (id) => h('div', { class: 'chart' }, h('canvas', { id }));
    slots.heat = h('div', { class: 'table-wrap', id: 'heatmap' });
    slots.tiers = h('div', { class: 'table-wrap', id: 'tiers' });
    slots.staffingTable = h('div', {
      class: 'table-wrap',
      id: 'staffing-table',
      style: { 'max-height': '250px' },
    });
    slots.staffingHint = h('span', { class: 'hint' });
    slots.agents = h('div', { class: 'table-wrap', id: 'agents' });
    const main = h(
      'main',
      {},
      controls,
      slots.error,
      slots.kpis,
      h(
        'section',
        { class: 'card', id: 'live-card' },
        h('h2', {}, h('span', { class: 'pulse' }), T().live, slots.liveUpdated),
        slots.live,
      ),
      h(
        'div',
        { class: 'grid' },
        card('trend-card', 'span-7', T().trend, T().trendHint, canvas('trend-chart')),
        card('dist-card', 'span-5', T().distribution, T().distributionHint, canvas('dist-chart')),
        card(
          'heat-card',
          'span-7',
          T().heat,
          T().heatHint,
          slots.heat,
          h('div', { class: 'legend', text: T().heatLegend }),
        ),
        card('hours-card', 'span-5', T().hours, T().hoursHint, canvas('hours-chart')),
        card('tiers-card', 'span-12', T().tiers, T().tiersHint, slots.tiers),
        h(
          'section',
          { class: 'card span-12', id: 'staffing-card' },
          h('h2', {}, T().staffing, slots.staffingHint),
          h(
            'div',
            { class: 'grid' },
            h(
              'div',
              { class: 'span-7' },
              h('div', { class: 'chart' }, h('canvas', { id: 'staffing-chart' })),
            ),
            h('div', { class: 'span-5' }, slots.staffingTable),
          ),
        ),
        card('agents-card', 'span-12', T().agentsTitle, null, slots.agents),
      ),
    );
    app.replaceChildren(top, main);
  }

  function serverToday() {
    if (state.live?.today?.date) return state.live.today.date;
    const groups = state.summary?.groups;
    return groups?.length ? groups[groups.length - 1].key : null;
  }

  function showError(e) {
    if (!slots.error) return;
    slots.error.replaceChildren(
      e ? h('div', { class: 'error-bar', role: 'alert', text: T().error(e.message) }) : '',
    );
  }

  function query(extra) {
    const q = new URLSearchParams();
    if (state.from) q.set('from', state.from);
    if (state.to) q.set('to', addDays(state.to, 1));
    if (state.tier) q.set('tier', state.tier);
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
    return q;
  }

  // ---------- summary ----------
  async function loadSummary() {
    const seq = ++state.seq;
    showError(null);
    slots.note.textContent = T().loading;
    try {
      const s = await api('GET', `/api/reports/summary?${query({ groupBy: 'day' })}`);
      if (seq !== state.seq) return;
      state.summary = s;
      if (s.groups?.length) {
        state.from = s.groups[0].key;
        state.to = s.groups[s.groups.length - 1].key;
      }
      renderSummary();
    } catch (e) {
      if (e.message !== 'unauthenticated') showError(e);
      slots.note.textContent = '';
    }
  }

  function renderSummary() {
    const s = state.summary;
    if (!s) return;
    const r = s.report;
    slots.from.value = state.from || '';
    slots.to.value = state.to || '';
    slots.note.textContent = T().periodNote(s.period.timeZone, s.generatedAt.slice(0, 19).replace('T', ' '));
    slots.tier.replaceChildren(
      h('option', { value: '', text: T().allTiers }),
      ...r.tiers.map((t) =>
        h('option', { value: t.tier, text: tierName(t.tier), selected: t.tier === state.tier }),
      ),
    );
    renderKpis(s);
    renderTrend(s);
    renderDistribution(r);
    renderHeat(s);
    renderHours(r);
    renderTiers(r);
    renderStaffing(r);
    renderAgents(s);
  }

  function kpi(key, value, sub, tone) {
    return h(
      'div',
      { class: `kpi${tone ? ` ${tone}` : ''}`, data: { kpi: key } },
      h('div', { class: 'label', text: T().kpi[key] }),
      h('div', { class: 'value', text: value }),
      h('div', { class: 'sub', text: sub }),
    );
  }

  function renderKpis(s) {
    const o = s.report.overall;
    const sub = T().sub;
    const rr = (t) => o.roundReplyRates.find((x) => x.thresholdSeconds === t);
    const r30 = rr(30);
    const r180 = rr(180);
    const items = [
      kpi(
        'conversations',
        fmtNum(o.conversations),
        sub.conversations(o.conversationsAwaitingHuman, o.resolvedByBot),
      ),
      kpi(
        'firstHuman',
        fmtSeconds(o.firstHumanResponseSeconds.median),
        sub.firstHuman(fmtSeconds(o.firstHumanResponseSeconds.p90), o.firstHumanResponseSeconds.unanswered),
      ),
      kpi('average', fmtSeconds(o.averageResponseSeconds), sub.average(o.replies)),
      kpi('firstAny', fmtSeconds(o.firstResponseSeconds.median), sub.firstAny(o.firstResponseSeconds.count)),
      r30 ? kpi('reply30', fmtPct(r30.rate), sub.rounds(r30.within, r30.rounds)) : null,
      r180 ? kpi('reply180', fmtPct(r180.rate), sub.rounds(r180.within, r180.rounds)) : null,
      kpi(
        'replyRate',
        fmtPct(o.replyRate.rate),
        sub.customers(o.replyRate.customersAnswered, o.replyRate.customersAsked),
      ),
      kpi(
        'effective',
        fmtPct(o.effectiveReplyRate.rate),
        sub.effective(o.effectiveReplyRate.invalid, o.effectiveReplyRate.consumers),
        o.effectiveReplyRate.rate !== null && o.effectiveReplyRate.rate < 0.5 ? 'bad' : null,
      ),
      kpi('reaction', fmtSeconds(o.reactionSeconds.median), sub.reaction(o.reactionSeconds.unanswered)),
      s.conversion
        ? kpi(
            'conversion',
            fmtPct(s.conversion.rate),
            sub.conversion(s.conversion.buyers, s.conversion.customersAsked),
          )
        : null,
    ];
    slots.kpis.replaceChildren(...items.filter(Boolean));
  }

  // ---------- charts ----------
  const COLORS = {
    accent: '#ff5000',
    accentLight: '#ffb08a',
    accentSoft: 'rgba(255,80,0,0.18)',
    blue: '#0969da',
    blueSoft: 'rgba(9,105,218,0.18)',
    grey: '#8c959f',
    green: '#1a7f37',
  };

  function chart(id, config) {
    state.charts[id]?.destroy();
    const canvas = document.getElementById(id);
    if (!canvas || typeof window.Chart !== 'function') return;
    state.charts[id] = new window.Chart(canvas, {
      ...config,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        ...config.options,
      },
    });
  }

  const secondsAxis = (position, extra) => ({
    position,
    beginAtZero: true,
    ticks: { callback: (v) => fmtSeconds(Number(v)) },
    ...extra,
  });

  function renderTrend(s) {
    const days = s.groups || [];
    chart('trend-chart', {
      type: 'bar',
      data: {
        labels: days.map((d) => d.key.slice(5)),
        datasets: [
          {
            type: 'line',
            label: T().median,
            data: days.map((d) => d.overall.firstHumanResponseSeconds.median),
            borderColor: COLORS.accent,
            backgroundColor: COLORS.accent,
            yAxisID: 'y',
            tension: 0.25,
            spanGaps: true,
          },
          {
            type: 'line',
            label: T().p90,
            data: days.map((d) => d.overall.firstHumanResponseSeconds.p90),
            borderColor: COLORS.accentLight,
            backgroundColor: COLORS.accentLight,
            pointRadius: 2,
            yAxisID: 'y',
            tension: 0.25,
            spanGaps: true,
          },
          {
            type: 'bar',
            label: T().conversationsSeries,
            data: days.map((d) => d.overall.conversations),
            backgroundColor: COLORS.blueSoft,
            borderColor: COLORS.blue,
            borderWidth: 1,
            yAxisID: 'y1',
          },
        ],
      },
      options: {
        scales: {
          y: secondsAxis('left'),
          y1: {
            position: 'right',
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            ticks: { precision: 0 },
          },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: (c) =>
                `${c.dataset.label}: ${c.dataset.yAxisID === 'y' ? fmtSeconds(c.parsed.y) : fmtNum(c.parsed.y)}`,
            },
          },
        },
      },
    });
  }

  function renderDistribution(r) {
    const human = r.distribution.firstHumanResponse;
    const any = r.distribution.firstResponse;
    chart('dist-chart', {
      type: 'bar',
      data: {
        labels: human.map((b) => b.label),
        datasets: [
          {
            label: T().human,
            data: human.map((b) => (b.share === null ? 0 : round1(b.share * 100))),
            backgroundColor: COLORS.accent,
          },
          {
            label: T().anyReply,
            data: any.map((b) => (b.share === null ? 0 : round1(b.share * 100))),
            backgroundColor: COLORS.grey,
          },
        ],
      },
      options: {
        scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } } },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.parsed.y}%` } },
        },
      },
    });
  }

  function renderHours(r) {
    chart('hours-chart', {
      type: 'bar',
      data: {
        labels: r.hours.map((x) => String(x.hour).padStart(2, '0')),
        datasets: [
          {
            type: 'line',
            label: T().fhrMedian,
            data: r.hours.map((x) => x.firstHumanResponseMedianSeconds),
            borderColor: COLORS.accent,
            backgroundColor: COLORS.accent,
            yAxisID: 'y1',
            spanGaps: true,
            tension: 0.25,
          },
          {
            type: 'bar',
            label: T().arrivals,
            data: r.hours.map((x) => x.arrivals),
            backgroundColor: COLORS.blueSoft,
            borderColor: COLORS.blue,
            borderWidth: 1,
            yAxisID: 'y',
          },
        ],
      },
      options: {
        scales: {
          y: { position: 'left', beginAtZero: true, ticks: { precision: 0 } },
          y1: secondsAxis('right', { grid: { drawOnChartArea: false } }),
        },
      },
    });
  }

  function renderHeat(s) {
    const days = s.groups || [];
    const sums = Array.from({ length: 7 }, () => new Array(24).fill(0));
    const counts = new Array(7).fill(0);
    for (const d of days) {
      const w = weekdayOf(d.key);
      counts[w]++;
      for (const x of d.hours) sums[w][x.hour] += x.arrivals;
    }
    const values = sums.map((row, w) => row.map((v) => (counts[w] ? v / counts[w] : null)));
    const max = Math.max(1, ...values.flat().filter((v) => v !== null));
    const head = h(
      'tr',
      {},
      h('th', { class: 'row-label' }),
      ...Array.from({ length: 24 }, (_, hr) => h('th', { text: hr % 3 === 0 ? String(hr) : '' })),
    );
    const rows = values.map((row, w) =>
      h(
        'tr',
        { data: { weekday: w } },
        h('th', { class: 'row-label', text: T().weekdays[w] }),
        ...row.map((v, hr) => {
          const share = v === null ? 0 : v / max;
          return h('td', {
            class: share > 0.55 ? 'hot' : '',
            title: `${T().weekdays[w]} ${String(hr).padStart(2, '0')}:00 · ${v === null ? '–' : fmtNum(v, 1)}`,
            style: { background: v === null ? '#f6f7f8' : `rgba(255, 80, 0, ${0.06 + share * 0.9})` },
            text: v !== null && v >= 0.5 ? fmtNum(v, 0) : '',
          });
        }),
      ),
    );
    const target = s.report.tiers.find((t) => t.tier === s.report.staffing.tier)?.targets.firstReplySeconds;
    const first = h(
      'tr',
      { class: 'first-row' },
      h('th', { class: 'row-label', text: T().heatFirst }),
      ...s.report.hours.map((x) => {
        const v = x.firstHumanResponseMedianSeconds;
        const late = v !== null && target !== undefined && v > target;
        return h('td', {
          title: `${String(x.hour).padStart(2, '0')}:00 · ${fmtSeconds(v)}`,
          style: {
            background: v === null ? '#f6f7f8' : late ? 'rgba(207, 34, 46, 0.75)' : 'rgba(26, 127, 55, 0.55)',
          },
          class: v === null ? '' : 'hot',
          text: v === null ? '' : v < 100 ? String(Math.round(v)) : `${Math.round(v / 60)}′`,
        });
      }),
    );
    slots.heat.replaceChildren(
      h('table', { class: 'heat' }, h('thead', {}, head), h('tbody', {}, ...rows, first)),
    );
  }

  function meter(rate, target) {
    const pct = rate === null ? 0 : Math.min(100, rate * 100);
    return h(
      'span',
      { class: 'meter' },
      h('span', { class: rate !== null && rate < target ? 'under' : '', style: { width: `${pct}%` } }),
      h('i', { style: { left: `${target * 100}%` } }),
    );
  }

  function renderTiers(r) {
    const cols = T().tierCols;
    const rows = r.tiers.map((t) =>
      h(
        'tr',
        { data: { tier: t.tier } },
        h('td', { text: tierName(t.tier) }),
        h('td', {
          class: 'muted',
          text: `${fmtSeconds(t.targets.firstReplySeconds)} / ${fmtSeconds(t.targets.replySeconds)} · ${fmtPct(t.targets.complianceTarget)}`,
        }),
        h('td', { data: { col: 'conversations' }, text: fmtNum(t.conversations) }),
        h(
          'td',
          { data: { col: 'firstReply' } },
          meter(t.firstReply.rate, t.targets.complianceTarget),
          `${fmtPct(t.firstReply.rate)} (${t.firstReply.within}/${t.firstReply.total})`,
        ),
        h(
          'td',
          { data: { col: 'replies' } },
          meter(t.replies.rate, t.targets.complianceTarget),
          `${fmtPct(t.replies.rate)} (${t.replies.within}/${t.replies.total})`,
        ),
        h('td', {
          data: { col: 'verdict' },
          class:
            t.firstReply.meetsTarget === null
              ? 'muted'
              : t.firstReply.meetsTarget && t.replies.meetsTarget !== false
                ? 'ok'
                : 'miss',
          text:
            t.firstReply.meetsTarget === null
              ? '–'
              : t.firstReply.meetsTarget && t.replies.meetsTarget !== false
                ? `✓ ${T().meets}`
                : `✗ ${T().misses}`,
        }),
      ),
    );
    slots.tiers.replaceChildren(
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { text: c })))),
        h('tbody', {}, ...rows),
      ),
    );
  }

  function renderStaffing(r) {
    const st = r.staffing;
    slots.staffingHint.textContent = T().staffingHint(
      fmtSeconds(st.handleTimeSeconds.mean),
      fmtPct(st.serviceLevel),
      fmtSeconds(st.targetWaitSeconds),
    );
    const hours = r.hours;
    chart('staffing-chart', {
      type: 'bar',
      data: {
        labels: hours.map((x) => String(x.hour).padStart(2, '0')),
        datasets: [
          {
            label: T().ruleOfThumb,
            data: hours.map((x) => [x.staffing.ruleOfThumb.fewest, x.staffing.ruleOfThumb.most]),
            backgroundColor: COLORS.blueSoft,
            borderColor: COLORS.blue,
            borderWidth: 1,
            // fewest = most draws a range of height 0: keep it visible as a line at that value.
            minBarLength: 3,
          },
          {
            label: T().erlang,
            data: hours.map((x) => x.staffing.erlangC?.agents ?? 0),
            backgroundColor: COLORS.accent,
          },
        ],
      },
      options: {
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: (c) =>
                Array.isArray(c.raw)
                  ? `${c.dataset.label}: ${c.raw[0]}–${c.raw[1]}`
                  : `${c.dataset.label}: ${c.raw}`,
            },
          },
        },
      },
    });
    const rows = hours
      .filter((x) => x.humanArrivals > 0)
      .map((x) =>
        h(
          'tr',
          { data: { hour: x.hour } },
          h('td', { text: `${String(x.hour).padStart(2, '0')}:00` }),
          h('td', { text: fmtNum(x.staffing.arrivalsPerHour, 1) }),
          h('td', {
            text: T().agentsUnit(`${x.staffing.ruleOfThumb.fewest}–${x.staffing.ruleOfThumb.most}`),
          }),
          h('td', { text: x.staffing.erlangC ? T().agentsUnit(x.staffing.erlangC.agents) : '–' }),
          h('td', { text: x.staffing.erlangC ? fmtPct(x.staffing.erlangC.serviceLevel) : '–' }),
        ),
      );
    slots.staffingTable.replaceChildren(
      rows.length
        ? h(
            'table',
            {},
            h('thead', {}, h('tr', {}, ...T().staffCols.map((c) => h('th', { text: c })))),
            h('tbody', {}, ...rows),
          )
        : h('div', { class: 'empty', text: T().noData }),
    );
  }

  function renderAgents(s) {
    const conv = new Map((s.conversion?.agents || []).map((a) => [a.agentId, a]));
    const agents = [...s.report.agents].sort(
      (a, b) => b.chatsServed - a.chatsServed || b.replies - a.replies,
    );
    if (!agents.length) {
      slots.agents.replaceChildren(h('div', { class: 'empty', text: T().noData }));
      return;
    }
    const cols = T().agentCols;
    const rows = agents.map((a) => {
      const c = conv.get(a.agentId);
      const cell = (col, text) => h('td', { data: { col }, text });
      return h(
        'tr',
        { data: { agentId: a.agentId } },
        cell('name', s.agentNames[a.agentId]?.name || a.agentId),
        cell('chatsServed', fmtNum(a.chatsServed)),
        cell('assistedChats', fmtNum(a.assistedChats)),
        cell('replies', fmtNum(a.replies)),
        cell('averageResponseSeconds', fmtSeconds(a.averageResponseSeconds)),
        cell('firstResponseMedian', fmtSeconds(a.firstResponseSeconds.median)),
        cell('reactionMedian', fmtSeconds(a.reactionSeconds.median)),
        cell('transfersIn', fmtNum(a.transfersIn)),
        cell('transfersOut', fmtNum(a.transfersOut)),
        cell('overdue', fmtNum(a.overdue)),
        cell('onlineHours', a.onlineHours === undefined ? '–' : fmtNum(a.onlineHours, 1)),
        cell(
          'chatsPerOnlineHour',
          a.chatsPerOnlineHour === undefined || a.chatsPerOnlineHour === null
            ? '–'
            : fmtNum(a.chatsPerOnlineHour, 1),
        ),
        cell('conversion', c ? fmtPct(c.rate) : '–'),
      );
    });
    slots.agents.replaceChildren(
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { text: c })))),
        h('tbody', {}, ...rows),
      ),
    );
  }

  // ---------- live ----------
  async function loadLive() {
    try {
      state.live = await api('GET', '/api/reports/live');
      renderLive();
    } catch (e) {
      if (e.message !== 'unauthenticated') showError(e);
    }
  }

  function renderLive() {
    const l = state.live;
    if (!l || !slots.live) return;
    const tz = state.summary?.period.timeZone;
    let time = l.now.slice(11, 19);
    try {
      time = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
        timeZone: tz,
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hour12: false,
      }).format(new Date(l.now));
    } catch {
      // unknown zone in this browser: UTC time
    }
    slots.liveUpdated.textContent = T().liveUpdated(time);
    const line = (label, value, data) =>
      h('li', { data: data || {} }, h('span', { class: 'muted', text: label }), h('span', { text: value }));
    const queue = h(
      'div',
      { id: 'live-queue' },
      h('h3', {}, T().queue, countBadge('queue-alert', l.alerts?.queueLength)),
      h('div', { class: 'big', data: { value: l.queue.total }, text: fmtNum(l.queue.total) }),
      h(
        'ul',
        {},
        ...l.queue.tiers.map((t) =>
          line(
            tierName(t.tier),
            t.count ? `${t.count} · ${T().oldest} ${fmtSeconds(t.oldestWaitSeconds)}` : '0',
            { tier: t.tier, count: t.count },
          ),
        ),
      ),
    );
    const online = l.agents.list.filter((a) => a.status === 'online' && !a.test);
    const agents = h(
      'div',
      { id: 'live-agents' },
      h('h3', { text: T().agentsOnline }),
      h(
        'div',
        { class: 'big', data: { value: l.agents.online } },
        fmtNum(l.agents.online),
        h('span', {
          class: 'muted',
          style: { 'font-size': '13px', 'font-weight': '400', 'margin-left': '8px' },
          text: T().load(fmtPct(l.agents.load)),
        }),
      ),
      h(
        'ul',
        {},
        ...online
          .slice(0, 6)
          .map((a) =>
            h(
              'li',
              { data: { agentId: a.id } },
              h('span', { text: a.name }),
              h(
                'span',
                {},
                h(
                  'span',
                  { class: 'load-bar' },
                  h('span', { style: { width: `${Math.min(100, (a.load || 0) * 100)}%` } }),
                ),
                ` ${a.active}/${a.cap}`,
              ),
            ),
          ),
      ),
    );
    const overdue = h(
      'div',
      { id: 'live-overdue' },
      h('h3', {}, T().overdue, countBadge('overdue-alert', l.alerts?.overdueChats)),
      h('div', {
        class: 'big',
        data: { value: l.overdue.count },
        style: l.overdue.count ? { color: 'var(--red)' } : {},
        text: fmtNum(l.overdue.count),
      }),
      l.overdue.chats.length
        ? h(
            'ul',
            {},
            ...l.overdue.chats.slice(0, 5).map((c) =>
              line(`${c.customer} · ${c.agentName || '–'}`, fmtSeconds(c.waitingSeconds), {
                conversationId: c.id,
              }),
            ),
          )
        : h('div', { class: 'muted', text: T().noOverdue }),
    );
    const t = l.today;
    const r = l.rolling;
    const today = h(
      'div',
      { id: 'live-today' },
      h('h3', { text: `${T().todaySoFar} · ${t.date}` }),
      h(
        'ul',
        {},
        line(T().todayConversations, fmtNum(t.conversations), { field: 'conversations' }),
        line(T().todayFirstHuman, fmtSeconds(t.firstHumanResponseSeconds.median), { field: 'firstHuman' }),
        line(T().todayReplies, fmtNum(t.replies), { field: 'replies' }),
        line(T().todayAverage, fmtSeconds(t.averageResponseSeconds), { field: 'average' }),
        h(
          'li',
          { data: { field: 'rolling' } },
          h('span', { class: 'muted', text: T().rolling(r.windowMinutes) }),
          h(
            'span',
            {},
            h('span', {
              class: r.above ? 'miss' : '',
              data: { above: r.above ? 1 : 0 },
              text: `${fmtSeconds(r.medianSeconds)} `,
            }),
            h('span', {
              class: `alert-badge ${r.alert}`,
              id: 'alert-state',
              title: T().threshold(fmtSeconds(r.thresholdSeconds)),
              text: T().alert[r.alert],
            }),
          ),
        ),
      ),
    );
    slots.live.replaceChildren(queue, agents, overdue, today);
  }

  /** A raised queue or overdue alert, next to its panel's title (nothing when normal or off). */
  function countBadge(id, alert) {
    if (alert?.state !== 'raised') return null;
    return h('span', {
      class: 'alert-badge raised',
      id,
      style: { 'margin-left': '6px' },
      title: `> ${alert.threshold}`,
      text: T().alert.raised,
    });
  }

  async function download(kind) {
    try {
      const r = await fetch(`/api/reports/${kind}?${query()}`, {
        headers: { authorization: `Bearer ${state.token}` },
      });
      if (r.status === 401) return signOut();
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const blob = await r.blob();
      const name =
        /filename="([^"]+)"/.exec(r.headers.get('content-disposition') || '')?.[1] || `firstreply-${kind}`;
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      showError(e);
    }
  }

  // ---------- start ----------
  function render() {
    if (!state.token) {
      renderLogin();
      return;
    }
    renderShell();
    if (state.summary) renderSummary();
    if (state.live) renderLive();
    if (!state.summary) loadSummary();
    if (!state.liveTimer) {
      loadLive();
      state.liveTimer = setInterval(loadLive, LIVE_EVERY_MS);
    }
  }

  render();
})();
