/*
 * FirstReply agent workspace (/agent). Plain JS, no framework, no build step.
 * Talks to the workspace API with a bearer token and listens to /api/workspace/stream (SSE).
 * Every text that comes from customers, agents or the server is set with textContent — never as HTML.
 * See docs/workspace.md.
 */
(() => {
  // biome-ignore lint/suspicious/noRedundantUseStrict: a classic script, not a module
  'use strict';

  const lang = /^zh/i.test(navigator.language || '') ? 'zh' : 'en';
  const TOKEN_KEY = 'firstreply.agent.token';
  const MAX = 4000;

  const T = {
    zh: {
      title: '客服工作台',
      product: 'FirstReply 客服工作台',
      loginTitle: '登录客服工作台',
      loginHint: '使用管理员为您创建的账号登录。',
      login: '登录名',
      password: '密码',
      signIn: '登录',
      signingIn: '登录中…',
      badLogin: '登录名或密码错误。',
      logout: '退出登录',
      myStatus: '我的状态',
      status: '状态',
      unread: '有新消息',
      statuses: { online: '在线', away: '离开', invisible: '隐身', offline: '离线' },
      roles: { agent: '客服', supervisor: '主管', admin: '管理员' },
      levels: { trainee: '新人', regular: '正式', senior: '资深', lead: '组长', supervisor: '主管' },
      tiers: { urgent: '紧急', general: '一般', complex: '复杂' },
      live: '实时连接',
      offlineConn: '连接中断，正在重连…',
      myChats: '我的会话',
      chatList: '我的会话列表',
      noChats: '暂无会话。状态为“在线”时，新会话会自动出现在这里。',
      goOnline: '您当前不在线，不会收到新会话。',
      overdue: '超时',
      onHold: '等客户回复',
      replied: '已回复',
      waiting: '等待',
      newChat: '新',
      visitor: '访客',
      channels: {
        web: '网页',
        api: 'API',
        telegram: 'Telegram',
        line: 'LINE',
        messenger: 'Messenger',
        slack: 'Slack',
        viber: 'Viber',
        whatsapp: 'WhatsApp',
      },
      pick: '从左侧选择一个会话。',
      history: '聊天记录',
      customer: '客户',
      bot: '智能助手',
      me: '我',
      agent: '客服',
      notice: '系统通知',
      notes: {
        'conversation.handoff': '转人工',
        'conversation.assigned': (n) => `分配给 ${n}`,
        'conversation.transferred': (n) => `转接给 ${n}`,
        'conversation.requeued': '退回队列',
        'conversation.overdue': '超时未回复',
        'conversation.on_hold': '等待客户回复，已释放名额',
        'conversation.resumed': '客户已回复',
        'conversation.closed': '会话已结束',
      },
      notePrefix: '备注：',
      toGroup: (g) => `转到分组 ${g}`,
      suggestions: '推荐回复',
      suggestHint: '点击插入到回复框',
      reply: '回复内容',
      replyPlaceholder: '输入回复，回车发送，Shift+回车换行',
      send: '发送',
      sending: '发送中…',
      transfer: '转接',
      close: '结束会话',
      closedDone: '会话已结束。',
      alertPrefix: '告警',
      readOnly: (n) => `此会话由 ${n} 负责，您只能查看。`,
      notOpen: '此会话已不在您名下。',
      transferTitle: '转接会话',
      toAgent: '转给同事',
      toGroupLabel: '转到分组',
      colleague: '同事',
      group: '分组',
      note: '备注（对方可见，客户不可见）',
      cancel: '取消',
      confirm: '确认转接',
      noColleague: '没有可转接的同事',
      full: '已满',
      transferred: '已转接。',
      queue: '排队中',
      queueEmpty: '队列为空',
      agents: '坐席',
      forceStatus: (n) => `设置 ${n} 的状态`,
      load: '负载',
      overdueChats: '超时会话',
      noneOverdue: '没有超时会话',
      explain: '分配说明',
      explainPick: '选择一个会话查看分配说明。',
      explainNone: '此会话还没有分配记录。',
      strategy: { 'skilled-first': '资深优先', balanced: '均衡', 'round-robin': '轮询' },
      sticky: '老客户优先回到上次的客服',
      chosen: '分配给',
      nextInLine: '下一位',
      nobodyNext: '无',
      candidates: '候选坐席',
      verdicts: {
        chosen: '获得会话',
        next: '下一位',
        eligible: '可接待，排序靠后',
        'test-agent': '测试账号',
        away: '离开',
        invisible: '隐身',
        offline: '离线',
        'not-in-group': '不在该分组',
        'outside-tier-window': '级别不接此类会话',
        'let-it-go-overdue': '曾让此会话超时',
        'below-level': '级别不够（自动转接需更资深）',
        'cap-zero': '上限为 0',
        'at-cap': '已满',
      },
      steps: {
        'conversation.handoff': '转人工',
        'conversation.assigned': '自动分配',
        'conversation.transferred': '转接',
        'conversation.requeued': '退回队列',
        'conversation.overdue': '超时',
        'conversation.closed': '结束',
      },
      waited: (w) => `排队 ${w}`,
      reasons: {
        'handoff-keyword': '客户要求人工',
        'no-match': '机器人无法识别',
        'below-threshold': '机器人把握不足',
        ambiguous: '问题有歧义',
        waiting: '客户在等待',
        'agent offline': '客服离线',
        'agent invisible': '客服隐身',
      },
      errNetwork: '网络异常，请稍后重试。',
      errGeneric: '操作失败：',
      errTooLong: `最多 ${MAX} 个字。`,
    },
    en: {
      title: 'Agent workspace',
      product: 'FirstReply Agent Workspace',
      loginTitle: 'Sign in to the workspace',
      loginHint: 'Use the account an administrator created for you.',
      login: 'Login',
      password: 'Password',
      signIn: 'Sign in',
      signingIn: 'Signing in…',
      badLogin: 'Login or password is wrong.',
      logout: 'Sign out',
      myStatus: 'My status',
      status: 'Status',
      unread: 'New messages',
      statuses: { online: 'Online', away: 'Away', invisible: 'Invisible', offline: 'Offline' },
      roles: { agent: 'Agent', supervisor: 'Supervisor', admin: 'Admin' },
      levels: {
        trainee: 'Trainee',
        regular: 'Regular',
        senior: 'Senior',
        lead: 'Lead',
        supervisor: 'Supervisor',
      },
      tiers: { urgent: 'Urgent', general: 'General', complex: 'Complex' },
      live: 'Live',
      offlineConn: 'Connection lost, reconnecting…',
      myChats: 'My chats',
      chatList: 'My chats',
      noChats: 'No chats. While you are online, new chats appear here by themselves.',
      goOnline: 'You are not online: no new chats will come to you.',
      overdue: 'Overdue',
      onHold: 'Waiting on customer',
      replied: 'Replied',
      waiting: 'Waiting',
      newChat: 'New',
      visitor: 'Visitor',
      channels: {
        web: 'Web',
        api: 'API',
        telegram: 'Telegram',
        line: 'LINE',
        messenger: 'Messenger',
        slack: 'Slack',
        viber: 'Viber',
        whatsapp: 'WhatsApp',
      },
      pick: 'Pick a chat on the left.',
      history: 'Conversation',
      customer: 'Customer',
      bot: 'Assistant',
      me: 'Me',
      agent: 'Agent',
      notice: 'Notice',
      notes: {
        'conversation.handoff': 'Asked for a person',
        'conversation.assigned': (n) => `Assigned to ${n}`,
        'conversation.transferred': (n) => `Transferred to ${n}`,
        'conversation.requeued': 'Back to the queue',
        'conversation.overdue': 'Overdue: not answered in time',
        'conversation.on_hold': 'Waiting on the customer; slot freed',
        'conversation.resumed': 'The customer wrote again',
        'conversation.closed': 'Conversation closed',
      },
      notePrefix: 'Note: ',
      toGroup: (g) => `Transferred to group ${g}`,
      suggestions: 'Suggested replies',
      suggestHint: 'Click to insert into the reply',
      reply: 'Reply',
      replyPlaceholder: 'Type a reply, Enter to send, Shift+Enter for a new line',
      send: 'Send',
      sending: 'Sending…',
      transfer: 'Transfer',
      close: 'Close chat',
      closedDone: 'Chat closed.',
      alertPrefix: 'Alert',
      readOnly: (n) => `${n} handles this chat; you can only read it.`,
      notOpen: 'This chat is no longer yours.',
      transferTitle: 'Transfer chat',
      toAgent: 'To a colleague',
      toGroupLabel: 'To a group',
      colleague: 'Colleague',
      group: 'Group',
      note: 'Note (for the colleague, not the customer)',
      cancel: 'Cancel',
      confirm: 'Transfer',
      noColleague: 'No colleague to transfer to',
      full: 'full',
      transferred: 'Transferred.',
      queue: 'Queue',
      queueEmpty: 'Queue is empty',
      agents: 'Agents',
      forceStatus: (n) => `Set the status of ${n}`,
      load: 'Load',
      overdueChats: 'Overdue chats',
      noneOverdue: 'No overdue chats',
      explain: 'Why this assignment',
      explainPick: 'Pick a chat to see how it was assigned.',
      explainNone: 'This chat has not been assigned yet.',
      strategy: { 'skilled-first': 'skilled first', balanced: 'balanced', 'round-robin': 'round robin' },
      sticky: 'returning customer back to their last agent',
      chosen: 'Assigned to',
      nextInLine: 'Next in line',
      nobodyNext: 'nobody',
      candidates: 'Candidates',
      verdicts: {
        chosen: 'got the chat',
        next: 'next in line',
        eligible: 'eligible, further down',
        'test-agent': 'test account',
        away: 'away',
        invisible: 'invisible',
        offline: 'offline',
        'not-in-group': 'not in the group',
        'outside-tier-window': 'level does not take this tier',
        'let-it-go-overdue': 'let this chat go overdue',
        'below-level': 'below the level required',
        'cap-zero': 'cap is 0',
        'at-cap': 'at cap',
      },
      steps: {
        'conversation.handoff': 'Hand-off',
        'conversation.assigned': 'Routed',
        'conversation.transferred': 'Transfer',
        'conversation.requeued': 'Re-queued',
        'conversation.overdue': 'Overdue',
        'conversation.closed': 'Closed',
      },
      waited: (w) => `waited ${w}`,
      reasons: {
        'handoff-keyword': 'customer asked for a person',
        'no-match': 'the bot did not understand',
        'below-threshold': 'the bot was not sure enough',
        ambiguous: 'ambiguous question',
        waiting: 'customer waiting',
        'agent offline': 'agent went offline',
        'agent invisible': 'agent went invisible',
      },
      errNetwork: 'Network problem, please try again.',
      errGeneric: 'That did not work: ',
      errTooLong: `At most ${MAX} characters.`,
    },
  }[lang];

  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = T.title;

  const STATUSES = ['online', 'away', 'invisible', 'offline'];
  const MESSAGE_TYPES = new Set(['message.received', 'bot.replied', 'agent.replied', 'customer.notified']);

  // ---------- tiny DOM helpers (text always via textContent) ----------
  const h = (tag, attrs, ...children) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v == null) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c != null && c !== false) el.append(c);
    return el;
  };
  const clear = (el) => el.replaceChildren();
  const tierLabel = (id) => T.tiers[id] || id;
  const statusLabel = (s) => T.statuses[s] || s;
  const pad = (n) => String(n).padStart(2, '0');
  const fmtWait = (ms) => {
    const s = Math.max(0, Math.floor(ms / 1000));
    const hours = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return hours ? `${hours}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
  };
  const fmtTime = (at) => {
    const d = new Date(at);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
  const customerName = (c) => {
    if (c.customerName) return c.customerName;
    const key = c.customerKey || '';
    const id = key.slice(key.indexOf(':') + 1);
    return `${T.visitor} ${id.replace(/^v_/, '').slice(0, 6)}`;
  };
  const channelLabel = (ch) => T.channels[ch] || ch;

  // ---------- state ----------
  const state = {
    token: localStorage.getItem(TOKEN_KEY),
    me: null,
    meta: null,
    chats: [],
    chatsAt: 0,
    selected: null,
    conversation: null,
    messages: [],
    unread: new Set(),
    fresh: new Set(),
    names: new Map(),
    directory: { agents: [], groups: [] },
    overview: null,
    overviewAt: 0,
    source: null,
    reconnectTimer: 0,
  };
  const isSupervisor = () => state.me && (state.me.role === 'supervisor' || state.me.role === 'admin');
  const nameOf = (id) =>
    id && state.me && id === state.me.id ? T.me : state.names.get(id) || (id ? id.slice(0, 8) : '—');

  class ApiError extends Error {
    constructor(status, code, message, fields) {
      super(message);
      this.status = status;
      this.code = code;
      this.fields = fields || [];
    }
  }

  async function api(method, path, body) {
    let res;
    try {
      res = await fetch(path, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(state.token ? { authorization: `Bearer ${state.token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiError(0, 'network', T.errNetwork);
    }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const e = data.error || {};
      if (res.status === 401 && path !== '/api/auth/login') signedOut();
      throw new ApiError(res.status, e.code || 'error', e.message || `HTTP ${res.status}`, e.fields);
    }
    return data;
  }

  // ---------- skeleton ----------
  const root = document.getElementById('app');

  // ---------- login ----------
  function showLogin(message) {
    stopStream();
    document.body.className = 'login-page';
    clear(root);
    const error = h('p', { class: 'form-error', role: 'alert', hidden: !message, text: message || '' });
    const loginInput = h('input', {
      id: 'login',
      name: 'login',
      autocomplete: 'username',
      required: true,
      maxlength: '64',
    });
    const passwordInput = h('input', {
      id: 'password',
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    });
    const button = h('button', { type: 'submit', class: 'primary', text: T.signIn });
    const form = h(
      'form',
      { class: 'login-card', 'aria-labelledby': 'login-title' },
      h('div', { class: 'brand-mark', 'aria-hidden': 'true', text: 'F' }),
      h('h1', { id: 'login-title', text: T.loginTitle }),
      h('p', { class: 'muted', text: T.loginHint }),
      h('label', { for: 'login', text: T.login }),
      loginInput,
      h('label', { for: 'password', text: T.password }),
      passwordInput,
      error,
      button,
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      button.textContent = T.signingIn;
      error.hidden = true;
      try {
        const r = await api('POST', '/api/auth/login', {
          login: loginInput.value.trim(),
          password: passwordInput.value,
        });
        state.token = r.token;
        localStorage.setItem(TOKEN_KEY, r.token);
        await start();
      } catch (e) {
        error.textContent = e.status === 401 ? T.badLogin : e.message;
        error.hidden = false;
        button.disabled = false;
        button.textContent = T.signIn;
        passwordInput.select();
      }
    });
    root.append(h('main', { class: 'login-wrap' }, form));
    loginInput.focus();
  }

  function signedOut() {
    state.token = null;
    state.me = null;
    localStorage.removeItem(TOKEN_KEY);
    showLogin();
  }

  // ---------- workspace ----------
  const ui = {};

  function buildWorkspace() {
    document.body.className = isSupervisor() ? 'workspace supervising' : 'workspace';
    clear(root);

    ui.conn = h('span', { class: 'conn', role: 'status' });
    ui.status = h(
      'select',
      { id: 'my-status', class: 'status-select', 'aria-label': T.myStatus },
      ...STATUSES.map((s) => h('option', { value: s, text: statusLabel(s) })),
    );
    ui.statusDot = h('span', { class: 'dot', 'aria-hidden': 'true' });
    ui.status.addEventListener('change', () => changeMyStatus(ui.status.value));
    const who = h(
      'span',
      { class: 'who' },
      h('strong', { text: state.me.name }),
      h('small', {
        text: `${T.roles[state.me.role] || state.me.role} · ${T.levels[state.me.level] || state.me.level}`,
      }),
    );
    const logout = h('button', { type: 'button', class: 'ghost', text: T.logout, onclick: signOut });
    const header = h(
      'header',
      { class: 'topbar' },
      h(
        'span',
        { class: 'brand' },
        h('span', { class: 'brand-mark small', 'aria-hidden': 'true', text: 'F' }),
        h('span', { text: T.product }),
      ),
      h('span', { class: 'spacer' }),
      ui.conn,
      h(
        'label',
        { class: 'status-switch', for: 'my-status' },
        ui.statusDot,
        h('span', { class: 'sr-only', text: T.myStatus }),
        ui.status,
      ),
      who,
      logout,
    );

    // Left: my chats.
    ui.chatCount = h('span', { class: 'count' });
    ui.offlineHint = h('p', { class: 'hint warn', hidden: true, text: T.goOnline });
    ui.chatList = h('ul', { class: 'chat-list', 'aria-label': T.chatList });
    ui.noChats = h('p', { class: 'empty', text: T.noChats, hidden: true });
    const left = h(
      'nav',
      { class: 'pane chats-pane', 'aria-labelledby': 'chats-title' },
      h('h2', { id: 'chats-title' }, h('span', { text: T.myChats }), ui.chatCount),
      ui.offlineHint,
      ui.noChats,
      ui.chatList,
    );

    // Middle: the conversation.
    ui.convTitle = h('h2', { id: 'conv-title' });
    ui.convMeta = h('p', { class: 'conv-meta' });
    ui.transferBtn = h('button', {
      type: 'button',
      class: 'secondary',
      text: T.transfer,
      onclick: openTransfer,
    });
    ui.closeBtn = h('button', {
      type: 'button',
      class: 'secondary danger',
      text: T.close,
      onclick: closeChat,
    });
    ui.convHead = h(
      'div',
      { class: 'conv-head' },
      h('div', { class: 'conv-id' }, ui.convTitle, ui.convMeta),
      h('div', { class: 'conv-actions' }, ui.transferBtn, ui.closeBtn),
    );
    ui.log = h('ol', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': T.history });
    ui.banner = h('p', { class: 'banner', hidden: true });
    ui.suggestList = h('div', { class: 'suggest-list', role: 'group', 'aria-label': T.suggestions });
    ui.suggest = h(
      'div',
      { class: 'suggest', hidden: true },
      h('span', { class: 'suggest-label', title: T.suggestHint, text: T.suggestions }),
      ui.suggestList,
    );
    ui.replyInput = h('textarea', {
      id: 'reply',
      rows: '3',
      'aria-label': T.reply,
      placeholder: T.replyPlaceholder,
      maxlength: String(MAX),
    });
    ui.sendBtn = h('button', { type: 'submit', class: 'primary', text: T.send });
    ui.replyError = h('p', { class: 'form-error', role: 'alert', hidden: true });
    ui.replyForm = h(
      'form',
      { class: 'reply' },
      ui.replyInput,
      h('div', { class: 'reply-side' }, ui.sendBtn),
    );
    ui.replyForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      sendReply();
    });
    ui.replyInput.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
        ev.preventDefault();
        sendReply();
      }
    });
    ui.placeholder = h('p', { class: 'empty big', text: T.pick });
    ui.convBody = h(
      'div',
      { class: 'conv-body', hidden: true },
      ui.convHead,
      ui.banner,
      ui.log,
      ui.suggest,
      ui.replyError,
      ui.replyForm,
    );
    const middle = h(
      'main',
      { class: 'pane conv-pane', 'aria-labelledby': 'conv-title' },
      ui.placeholder,
      ui.convBody,
    );

    const panes = [left, middle];
    if (isSupervisor()) panes.push(buildSupervisorPane());
    ui.toast = h('div', { class: 'toast', role: 'status', hidden: true });
    ui.dialog = buildTransferDialog();
    root.append(header, h('div', { class: 'panes' }, ...panes), ui.toast, ui.dialog);
    showStatus(state.me.status);
    setConn(false);
  }

  function buildSupervisorPane() {
    ui.queue = h('div', { class: 'queue' });
    ui.agents = h('table', { class: 'agents' });
    ui.overdue = h('ul', { class: 'overdue-list' });
    ui.explain = h('div', { class: 'explain' }, h('p', { class: 'empty', text: T.explainPick }));
    return h(
      'aside',
      { class: 'pane sup-pane', 'aria-label': `${T.queue} · ${T.agents}` },
      h('section', { 'aria-labelledby': 'q-title' }, h('h2', { id: 'q-title', text: T.queue }), ui.queue),
      h('section', { 'aria-labelledby': 'a-title' }, h('h2', { id: 'a-title', text: T.agents }), ui.agents),
      h(
        'section',
        { 'aria-labelledby': 'o-title' },
        h('h2', { id: 'o-title', text: T.overdueChats }),
        ui.overdue,
      ),
      h('section', { 'aria-labelledby': 'e-title' }, h('h2', { id: 'e-title', text: T.explain }), ui.explain),
    );
  }

  function showStatus(status) {
    state.me.status = status;
    ui.status.value = status;
    ui.statusDot.className = `dot ${status}`;
    // Only for people who receive chats at all (a supervisor with cap 0 does not).
    ui.offlineHint.hidden = status === 'online' || !state.me.cap;
  }

  function setConn(ok) {
    ui.conn.className = `conn ${ok ? 'ok' : 'down'}`;
    ui.conn.textContent = ok ? T.live : T.offlineConn;
  }

  let toastTimer = 0;
  function toast(text, kind) {
    ui.toast.textContent = text;
    ui.toast.className = `toast ${kind || ''}`;
    ui.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      ui.toast.hidden = true;
    }, 3500);
  }

  async function changeMyStatus(status) {
    const before = state.me.status;
    try {
      const r = await api('PUT', '/api/workspace/status', { status });
      showStatus(r.agent.status);
      scheduleChats();
      scheduleOverview();
    } catch (e) {
      showStatus(before);
      toast(T.errGeneric + e.message, 'error');
    }
  }

  async function signOut() {
    try {
      await api('PUT', '/api/workspace/status', { status: 'offline' });
    } catch {}
    try {
      await api('POST', '/api/auth/logout', {});
    } catch {}
    signedOut();
  }

  // ---------- my chats ----------
  async function loadChats() {
    const r = await api('GET', '/api/workspace/chats');
    const before = new Set(state.chats.map((c) => c.id));
    if (state.chatsAt) for (const c of r.chats) if (!before.has(c.id)) state.fresh.add(c.id);
    state.chats = r.chats;
    state.chatsAt = performance.now();
    renderChats();
    // The chat on screen left me (transfer, re-queue): say so.
    if (state.selected && mine() && !r.chats.some((c) => c.id === state.selected)) refreshConversation();
  }

  const waitingNow = (c) => (c.awaitingSince ? c.waitingMs + (performance.now() - state.chatsAt) : null);

  function renderChats() {
    const list = ui.chatList;
    const focused = document.activeElement?.closest?.('.chat')?.dataset.chatId;
    clear(list);
    const overdueTier = new Map((state.meta?.tiers || []).map((t) => [t.id, t.overdueAfterSeconds * 1000]));
    for (const c of state.chats) {
      const wait = h('span', { class: 'wait', 'data-wait': c.id });
      const flags = h('span', { class: 'flags' });
      if (c.overdue) flags.append(h('span', { class: 'flag overdue', text: T.overdue }));
      if (c.onHold) flags.append(h('span', { class: 'flag hold', text: T.onHold }));
      if (state.fresh.has(c.id)) flags.append(h('span', { class: 'flag new', text: T.newChat }));
      if (state.unread.has(c.id))
        flags.append(h('span', { class: 'unread', role: 'img', 'aria-label': T.unread, title: T.unread }));
      const preview = c.last
        ? `${c.last.actor === 'customer' ? '' : `${actorLabel(c.last.actor, c.last.agentId)}: `}${c.last.text || ''}`
        : '';
      const button = h(
        'button',
        {
          type: 'button',
          class: 'chat',
          'data-chat-id': c.id,
          'aria-current': c.id === state.selected ? 'true' : false,
          onclick: () => select(c.id),
        },
        h(
          'span',
          { class: 'row1' },
          h('span', { class: `tier tier-${c.tier}`, text: tierLabel(c.tier) }),
          h('span', { class: 'name', text: customerName(c) }),
          wait,
        ),
        h('span', { class: 'row2' }, h('span', { class: 'preview', text: preview }), flags),
      );
      const li = h(
        'li',
        { class: `chat-item${c.overdue ? ' is-overdue' : ''}${c.id === state.selected ? ' selected' : ''}` },
        button,
      );
      li.dataset.due = String(overdueTier.get(c.tier) || 0);
      list.append(li);
    }
    if (focused) list.querySelector(`[data-chat-id="${CSS.escape(focused)}"]`)?.focus();
    ui.noChats.hidden = state.chats.length > 0;
    ui.chatCount.textContent = state.chats.length ? String(state.chats.length) : '';
    document.title = state.chats.length ? `(${state.chats.length}) ${T.title}` : T.title;
    tick();
  }

  /** Live waiting timers: the server's waiting time plus what passed since it was read. */
  function tick() {
    if (!ui.chatList) return;
    for (const c of state.chats) {
      const el = ui.chatList.querySelector(`[data-wait="${CSS.escape(c.id)}"]`);
      if (!el) continue;
      const w = waitingNow(c);
      el.textContent = w === null ? T.replied : `${T.waiting} ${fmtWait(w)}`;
      const due = Number(el.closest('li')?.dataset.due || 0);
      el.classList.toggle('soon', !c.overdue && w !== null && due > 0 && w >= due * 0.7);
      el.classList.toggle('late', c.overdue || (w !== null && due > 0 && w >= due));
    }
    if (ui.queue && state.overview) {
      for (const el of ui.queue.querySelectorAll('[data-queued]')) {
        el.textContent = fmtWait(Number(el.dataset.queued) + (performance.now() - state.overviewAt));
      }
    }
  }
  setInterval(tick, 1000);

  // ---------- one conversation ----------
  async function select(id) {
    state.selected = id;
    state.unread.delete(id);
    state.fresh.delete(id);
    renderChats();
    ui.placeholder.hidden = true;
    ui.convBody.hidden = false;
    ui.replyError.hidden = true;
    clear(ui.log);
    await refreshConversation();
    if (isSupervisor()) loadExplain(id);
    if (!ui.replyInput.disabled) ui.replyInput.focus();
  }

  async function refreshConversation() {
    const id = state.selected;
    if (!id) return;
    let r;
    try {
      r = await api('GET', `/api/workspace/chats/${encodeURIComponent(id)}/messages`);
    } catch (e) {
      if (id !== state.selected) return;
      state.conversation = null;
      ui.banner.textContent = e.status === 403 ? T.notOpen : T.errGeneric + e.message;
      ui.banner.hidden = false;
      setControls();
      return;
    }
    if (id !== state.selected) return;
    state.conversation = r.conversation;
    state.messages = r.messages;
    renderConversation();
    loadSuggestions();
  }

  function mine() {
    const c = state.conversation;
    return !!c && c.status === 'assigned' && c.agentId === state.me.id;
  }

  function setControls() {
    const c = state.conversation;
    const canReply = mine();
    const canAct = !!c && c.status === 'assigned' && (canReply || isSupervisor());
    ui.replyInput.disabled = !canReply;
    ui.sendBtn.disabled = !canReply;
    ui.transferBtn.disabled = !canAct;
    ui.closeBtn.disabled = !canAct;
    ui.suggest.hidden = !canReply || !ui.suggestList.childElementCount;
    if (c && !canReply) {
      ui.banner.hidden = false;
      ui.banner.textContent =
        c.status === 'closed'
          ? T.notes['conversation.closed']
          : c.agentId
            ? T.readOnly(nameOf(c.agentId))
            : T.notes['conversation.requeued'];
    } else if (c) {
      ui.banner.hidden = true;
    }
  }

  function renderConversation() {
    const c = state.conversation;
    ui.convTitle.textContent = customerName(c);
    clear(ui.convMeta);
    const meta = [
      h('span', { class: `tier tier-${c.tier}`, text: tierLabel(c.tier || 'general') }),
      h('span', { text: channelLabel(c.channel) }),
      c.group ? h('span', { text: `${T.group} ${c.group}` }) : null,
      c.overdue ? h('span', { class: 'flag overdue', text: T.overdue }) : null,
      c.onHold ? h('span', { class: 'flag hold', text: T.onHold }) : null,
    ];
    ui.convMeta.append(...meta.filter(Boolean));
    clear(ui.log);
    for (const m of state.messages) ui.log.append(messageItem(m));
    ui.log.scrollTop = ui.log.scrollHeight;
    setControls();
  }

  function actorLabel(actor, agentId) {
    if (actor === 'customer') return T.customer;
    if (actor === 'bot') return T.bot;
    if (actor === 'agent') return agentId ? nameOf(agentId) : T.agent;
    return T.notice;
  }

  function messageItem(m) {
    if (!MESSAGE_TYPES.has(m.type)) {
      const fn = T.notes[m.type];
      let text = typeof fn === 'function' ? fn(nameOf(m.agentId)) : fn || m.type;
      if (m.type === 'conversation.transferred' && m.group) text = T.toGroup(m.group);
      return h(
        'li',
        { class: 'note', 'data-id': m.id, 'data-type': m.type },
        h('span', { text: `${fmtTime(m.at)} · ${text}` }),
        m.note ? h('span', { class: 'note-text', text: ` · ${T.notePrefix}${m.note}` }) : null,
      );
    }
    if (m.type === 'customer.notified') {
      return h(
        'li',
        { class: 'note notice', 'data-id': m.id, 'data-type': m.type },
        h('span', { text: `${fmtTime(m.at)} · ${T.notice}: ${m.text || ''}` }),
      );
    }
    const side = m.actor === 'customer' ? 'them' : 'us';
    return h(
      'li',
      { class: `msg ${side} actor-${m.actor}`, 'data-id': m.id, 'data-actor': m.actor },
      h('span', { class: 'label', text: `${actorLabel(m.actor, m.agentId)} · ${fmtTime(m.at)}` }),
      h('span', { class: 'bubble', text: m.text || '' }),
    );
  }

  function appendMessage(m) {
    if (state.messages.some((x) => x.id === m.id)) return;
    state.messages.push(m);
    const nearBottom = ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 80;
    ui.log.append(messageItem(m));
    if (nearBottom || m.actor === 'agent') ui.log.scrollTop = ui.log.scrollHeight;
  }

  async function loadSuggestions() {
    const id = state.selected;
    clear(ui.suggestList);
    if (!mine()) return setControls();
    try {
      const r = await api('GET', `/api/workspace/chats/${encodeURIComponent(id)}/suggestions`);
      if (id !== state.selected) return;
      clear(ui.suggestList);
      for (const s of r.suggestions) {
        ui.suggestList.append(
          h('button', {
            type: 'button',
            class: 'chip',
            title: s.text,
            'data-template': s.templateId,
            onclick: () => insert(s.text),
            text: s.text,
          }),
        );
      }
    } catch {
      // Suggestions are a help, not a requirement.
    }
    setControls();
  }

  function insert(text) {
    const el = ui.replyInput;
    const start = el.selectionStart ?? el.value.length;
    const end = el.selectionEnd ?? el.value.length;
    el.value = el.value.slice(0, start) + text + el.value.slice(end);
    el.focus();
    el.selectionStart = el.selectionEnd = start + text.length;
  }

  let sending = false;
  async function sendReply() {
    const text = ui.replyInput.value;
    if (sending || !text.trim() || !mine()) return;
    if (text.length > MAX) {
      ui.replyError.textContent = T.errTooLong;
      ui.replyError.hidden = false;
      return;
    }
    sending = true;
    ui.sendBtn.disabled = true;
    ui.sendBtn.textContent = T.sending;
    ui.replyError.hidden = true;
    const id = state.selected;
    try {
      const r = await api('POST', `/api/workspace/chats/${encodeURIComponent(id)}/reply`, { text });
      if (id === state.selected) {
        ui.replyInput.value = '';
        appendMessage(r.message);
      }
      scheduleChats();
    } catch (e) {
      ui.replyError.textContent = T.errGeneric + e.message;
      ui.replyError.hidden = false;
      if (e.status === 409 || e.status === 403) refreshConversation();
    } finally {
      sending = false;
      ui.sendBtn.textContent = T.send;
      setControls();
    }
  }

  async function closeChat() {
    const id = state.selected;
    if (!id) return;
    try {
      await api('POST', `/api/workspace/chats/${encodeURIComponent(id)}/close`, {});
      toast(T.closedDone);
      await refreshConversation();
      scheduleChats();
      scheduleOverview();
    } catch (e) {
      toast(T.errGeneric + e.message, 'error');
    }
  }

  // ---------- transfer ----------
  function buildTransferDialog() {
    ui.tAgent = h('select', { id: 't-agent', 'aria-label': T.colleague });
    ui.tGroup = h('select', { id: 't-group', 'aria-label': T.group });
    ui.tNote = h('textarea', { id: 't-note', rows: '3', maxlength: '500' });
    ui.tError = h('p', { class: 'form-error', role: 'alert', hidden: true });
    ui.tModeAgent = h('input', {
      type: 'radio',
      name: 't-mode',
      value: 'agent',
      id: 't-mode-agent',
      checked: true,
    });
    ui.tModeGroup = h('input', { type: 'radio', name: 't-mode', value: 'group', id: 't-mode-group' });
    const syncMode = () => {
      ui.tAgent.disabled = !ui.tModeAgent.checked;
      ui.tGroup.disabled = !ui.tModeGroup.checked;
    };
    ui.tModeAgent.addEventListener('change', syncMode);
    ui.tModeGroup.addEventListener('change', syncMode);
    const form = h(
      'form',
      { method: 'dialog', class: 'transfer' },
      h('h2', { id: 't-title', text: T.transferTitle }),
      h(
        'div',
        { class: 't-row' },
        h('label', { class: 'radio' }, ui.tModeAgent, h('span', { text: T.toAgent })),
        ui.tAgent,
      ),
      h(
        'div',
        { class: 't-row' },
        h('label', { class: 'radio' }, ui.tModeGroup, h('span', { text: T.toGroupLabel })),
        ui.tGroup,
      ),
      h('label', { for: 't-note', text: T.note }),
      ui.tNote,
      ui.tError,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'ghost', text: T.cancel, onclick: () => ui.dialog.close() }),
        h('button', { type: 'submit', class: 'primary', value: 'ok', text: T.confirm }),
      ),
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = ui.tModeAgent.checked ? { agentId: ui.tAgent.value } : { group: ui.tGroup.value };
      if (ui.tNote.value.trim()) body.note = ui.tNote.value.trim();
      ui.tError.hidden = true;
      try {
        await api('POST', `/api/workspace/chats/${encodeURIComponent(state.selected)}/transfer`, body);
        ui.dialog.close();
        toast(T.transferred);
        await refreshConversation();
        scheduleChats();
        scheduleOverview();
      } catch (e) {
        ui.tError.textContent = e.message;
        ui.tError.hidden = false;
      }
    });
    ui.syncMode = syncMode;
    return h('dialog', { class: 'dialog', 'aria-labelledby': 't-title' }, form);
  }

  async function loadDirectory() {
    try {
      state.directory = await api('GET', '/api/workspace/directory');
      for (const a of state.directory.agents) state.names.set(a.id, a.name);
    } catch {}
  }

  async function openTransfer() {
    await loadDirectory();
    clear(ui.tAgent);
    const owner = state.conversation?.agentId;
    const candidates = state.directory.agents.filter((a) => a.id !== owner);
    candidates.sort(
      (a, b) => Number(b.status === 'online') - Number(a.status === 'online') || a.name.localeCompare(b.name),
    );
    for (const a of candidates) {
      const free = a.status === 'online' && a.activeChats < a.cap;
      const label = `${a.name} · ${statusLabel(a.status)} · ${a.activeChats}/${a.cap}${a.activeChats >= a.cap ? ` ${T.full}` : ''}`;
      ui.tAgent.append(h('option', { value: a.id, text: label, disabled: !free }));
    }
    const firstFree = [...ui.tAgent.options].find((o) => !o.disabled);
    if (firstFree) ui.tAgent.value = firstFree.value;
    else ui.tAgent.append(h('option', { value: '', text: T.noColleague, disabled: true, selected: true }));
    clear(ui.tGroup);
    for (const g of state.directory.groups) ui.tGroup.append(h('option', { value: g, text: g }));
    ui.tNote.value = '';
    ui.tError.hidden = true;
    ui.tModeAgent.checked = !!firstFree;
    ui.tModeGroup.checked = !firstFree;
    ui.syncMode();
    ui.dialog.showModal();
  }

  // ---------- supervisors ----------
  async function loadOverview() {
    if (!isSupervisor()) return;
    const o = await api('GET', '/api/supervisor/overview');
    state.overview = o;
    state.overviewAt = performance.now();
    for (const a of o.agents) state.names.set(a.id, a.name);
    renderOverview();
  }

  function renderOverview() {
    const o = state.overview;
    clear(ui.queue);
    if (!o.queue.total) ui.queue.append(h('p', { class: 'empty', text: T.queueEmpty }));
    for (const t of o.queue.tiers) {
      if (!t.count) continue;
      const list = h('ul', { class: 'mini-list' });
      for (const c of t.chats.slice(0, 8)) {
        list.append(
          h(
            'li',
            {},
            h(
              'button',
              { type: 'button', class: 'link', 'data-chat-id': c.id, onclick: () => select(c.id) },
              h('span', { text: customerName(c) }),
              h('span', { class: 'wait', 'data-queued': String(c.waitingMs), text: fmtWait(c.waitingMs) }),
            ),
          ),
        );
      }
      ui.queue.append(
        h(
          'div',
          { class: 'tier-block' },
          h(
            'div',
            { class: 'tier-head' },
            h('span', { class: `tier tier-${t.id}`, text: tierLabel(t.id) }),
            h('strong', { text: String(t.count) }),
          ),
          list,
        ),
      );
    }

    clear(ui.agents);
    ui.agents.append(
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', text: T.agents }),
          h('th', { scope: 'col', text: T.status }),
          h('th', { scope: 'col', text: T.load }),
        ),
      ),
    );
    const body = h('tbody');
    const agents = [...o.agents].sort(
      (a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status) || a.name.localeCompare(b.name),
    );
    for (const a of agents) {
      const force = h(
        'select',
        { class: `force dot-${a.status}`, 'aria-label': T.forceStatus(a.name), 'data-agent-id': a.id },
        ...STATUSES.map((s) => h('option', { value: s, text: statusLabel(s), selected: s === a.status })),
      );
      const dot = h('span', { class: `dot ${a.status}`, 'aria-hidden': 'true' });
      force.addEventListener('change', async () => {
        dot.className = `dot ${force.value}`;
        try {
          await api('PUT', `/api/agents/${encodeURIComponent(a.id)}/status`, { status: force.value });
          if (a.id === state.me.id) showStatus(force.value);
        } catch (e) {
          toast(T.errGeneric + e.message, 'error');
        }
        scheduleOverview();
        scheduleChats();
      });
      const pct = a.cap ? Math.min(100, Math.round((a.activeChats / a.cap) * 100)) : 0;
      body.append(
        h(
          'tr',
          {},
          h(
            'td',
            {},
            h('span', { class: 'agent-name', text: a.name }),
            h('small', { text: ` ${T.levels[a.level] || a.level}` }),
          ),
          h('td', {}, dot, force),
          h(
            'td',
            { class: 'load' },
            h('span', { class: 'num', text: `${a.activeChats}/${a.cap}` }),
            h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width:${pct}%` })),
            a.overdueChats ? h('span', { class: 'flag overdue', text: `${a.overdueChats}` }) : null,
          ),
        ),
      );
      const held = o.chats.filter((c) => c.agentId === a.id);
      if (held.length) {
        body.append(
          h(
            'tr',
            { class: 'agent-chats' },
            h(
              'td',
              { colspan: '3' },
              ...held.map((c) =>
                h(
                  'button',
                  {
                    type: 'button',
                    class: `mini-chat${c.overdue ? ' late' : ''}`,
                    'data-chat-id': c.id,
                    onclick: () => select(c.id),
                  },
                  h('span', { class: `tier tier-${c.tier}`, text: tierLabel(c.tier) }),
                  h('span', { text: customerName(c) }),
                ),
              ),
            ),
          ),
        );
      }
    }
    ui.agents.append(body);

    clear(ui.overdue);
    if (!o.overdue.length) ui.overdue.append(h('li', { class: 'empty', text: T.noneOverdue }));
    for (const c of o.overdue) {
      ui.overdue.append(
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'link overdue-link', 'data-chat-id': c.id, onclick: () => select(c.id) },
            h('span', { class: `tier tier-${c.tier}`, text: tierLabel(c.tier) }),
            h('span', { text: `${customerName(c)} → ${c.agentName || '—'}` }),
            h('span', { class: 'wait late', text: fmtWait(c.waitingMs) }),
          ),
        ),
      );
    }
  }

  async function loadExplain(id) {
    if (!ui.explain) return;
    let r;
    try {
      r = await api('GET', `/api/workspace/chats/${encodeURIComponent(id)}/explain`);
    } catch (e) {
      clear(ui.explain);
      ui.explain.append(h('p', { class: 'form-error', text: e.message }));
      return;
    }
    if (id !== state.selected) return;
    clear(ui.explain);
    const steps = r.steps;
    if (!steps.some((s) => s.type === 'conversation.assigned' || s.type === 'conversation.transferred')) {
      ui.explain.append(h('p', { class: 'empty', text: T.explainNone }));
    }
    const list = h('ol', { class: 'steps' });
    for (const s of steps) {
      const head = h(
        'div',
        { class: 'step-head' },
        h('span', { class: 'step-time', text: fmtTime(s.at) }),
        h('strong', { text: T.steps[s.type] || s.type }),
      );
      const li = h('li', { class: `step step-${s.type.split('.')[1]}` }, head);
      if (s.type === 'conversation.assigned' || s.type === 'conversation.transferred') {
        const to = s.agentName || nameOf(s.agentId);
        const facts = [];
        if (s.type === 'conversation.transferred') {
          facts.push(s.group ? T.toGroup(s.group) : `${s.fromName || nameOf(s.from)} → ${to}`);
          if (s.note) facts.push(T.notePrefix + s.note);
        }
        if (s.decision) {
          facts.unshift(
            `${T.chosen} ${s.decision.chosenName || to} · ${T.nextInLine}: ${s.decision.nextName || T.nobodyNext}`,
          );
          facts.push(
            `${T.strategy[s.decision.strategy] || s.decision.strategy}${s.decision.sticky ? ` · ${T.sticky}` : ''}`,
          );
        }
        if (s.waitedMs != null) facts.push(T.waited(fmtWait(s.waitedMs)));
        for (const f of facts) li.append(h('p', { class: 'fact', text: f }));
        if (s.decision?.considered?.length) {
          const table = h('table', { class: 'cands', 'aria-label': T.candidates });
          for (const c of s.decision.considered) {
            table.append(
              h(
                'tr',
                { class: `v-${c.verdict}` },
                h('td', { text: c.name }),
                h('td', { text: T.levels[c.level] || c.level }),
                h('td', { text: `${c.active}/${c.cap}` }),
                h('td', { class: 'verdict', text: T.verdicts[c.verdict] || c.why || c.verdict }),
              ),
            );
          }
          li.append(table);
        }
      } else if (s.reason) {
        li.append(h('p', { class: 'fact', text: T.reasons[s.reason] || s.reason }));
      }
      list.append(li);
    }
    ui.explain.append(list);
  }

  // ---------- live stream ----------
  let chatsTimer = 0;
  let overviewTimer = 0;
  let convTimer = 0;
  function scheduleChats() {
    clearTimeout(chatsTimer);
    chatsTimer = setTimeout(() => loadChats().catch(() => {}), 150);
  }
  function scheduleOverview() {
    if (!isSupervisor()) return;
    clearTimeout(overviewTimer);
    overviewTimer = setTimeout(() => loadOverview().catch(() => {}), 300);
  }
  function scheduleConversation() {
    clearTimeout(convTimer);
    convTimer = setTimeout(() => {
      refreshConversation();
      if (isSupervisor() && state.selected) loadExplain(state.selected);
    }, 200);
  }

  function stopStream() {
    clearTimeout(state.reconnectTimer);
    if (state.source) state.source.close();
    state.source = null;
  }

  function startStream() {
    stopStream();
    const source = new EventSource(`/api/workspace/stream?token=${encodeURIComponent(state.token)}`);
    state.source = source;
    source.addEventListener('hello', (ev) => {
      const hello = JSON.parse(ev.data);
      setConn(true);
      showStatus(hello.status);
      // After a reconnect: catch up on what happened while the stream was down.
      scheduleChats();
      scheduleOverview();
      if (state.selected) scheduleConversation();
    });
    source.addEventListener('message', (ev) => onLive(JSON.parse(ev.data)));
    source.addEventListener('error', () => {
      setConn(false);
      if (source.readyState === EventSource.CLOSED) {
        // Refused (session gone?) or the server is down: check, then try again.
        state.reconnectTimer = setTimeout(async () => {
          try {
            await api('GET', '/api/me');
            if (state.token) startStream();
          } catch (e) {
            if (e.status !== 401 && state.token) state.reconnectTimer = setTimeout(startStream, 3000);
          }
        }, 2000);
      }
    });
  }

  function onLive(m) {
    const selected = m.conversationId && m.conversationId === state.selected;
    if (MESSAGE_TYPES.has(m.type)) {
      if (selected) {
        appendMessage(m);
        if (m.type === 'message.received') loadSuggestions();
      } else if (m.type === 'message.received' && state.chats.some((c) => c.id === m.conversationId)) {
        state.unread.add(m.conversationId);
      }
      if (m.type === 'message.received' || m.type === 'agent.replied') scheduleChats();
      return;
    }
    // Supervisors' streams carry response-time alerts (raised / cleared) from the reports.
    if (m.type.startsWith('alert.')) {
      toast(`${T.alertPrefix}: ${m.text || m.type}`, m.kind === 'raised' ? 'error' : '');
      scheduleOverview();
      return;
    }
    if (m.type === 'agent.status' || m.type === 'agent.auto_away') {
      if (m.agentId === state.me.id) {
        if (m.type === 'agent.status' && m.text) showStatus(m.text);
        else if (m.type === 'agent.auto_away') showStatus('away');
        scheduleChats();
      }
      scheduleOverview();
      return;
    }
    if (m.type.startsWith('conversation.')) {
      scheduleChats();
      scheduleOverview();
      if (selected) scheduleConversation();
    }
  }

  // ---------- start ----------
  async function start() {
    if (!state.token) return showLogin();
    let me;
    try {
      me = await api('GET', '/api/me');
    } catch (e) {
      if (e.status === 401) return;
      return showLogin(e.message);
    }
    state.me = me.agent;
    state.meta = me;
    state.names.set(me.agent.id, me.agent.name);
    state.chats = [];
    state.chatsAt = 0;
    state.selected = null;
    state.conversation = null;
    buildWorkspace();
    await Promise.all([loadDirectory(), loadChats().catch(() => {}), loadOverview().catch(() => {})]);
    startStream();
  }

  // A safety net besides the stream: refresh now and then (waiting times, other instances' changes).
  setInterval(() => {
    if (!state.me) return;
    loadChats().catch(() => {});
    loadOverview().catch(() => {});
  }, 15_000);

  start();
})();
