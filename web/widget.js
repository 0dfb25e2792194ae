/*
 * FirstReply web chat widget. One tag embeds it on any page:
 *   <script src="https://shop-bot.example/widget.js" data-shop-locale="zh" async></script>
 * Plain JS, no build step, no framework; everything lives in a Shadow DOM root.
 * Message text is only ever set with textContent — never parsed as HTML. See docs/widget.md.
 */
(() => {
  // biome-ignore lint/suspicious/noRedundantUseStrict: a classic script, not a module
  'use strict';
  if (window.FirstReplyWidget) return;

  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const API = new URL(script?.src || '/', location.href).origin;
  const opts = script?.dataset || {};
  const lang = /^zh/i.test(opts.shopLocale || navigator.language || '') ? 'zh' : 'en';
  const MAX = 4000;
  const STORE_KEY = `firstreply.visitor@${API}`;
  const OPEN_KEY = `firstreply.open@${API}`;

  const T = {
    zh: {
      title: '在线客服',
      subtitle: '通常几秒内回复',
      open: '打开在线客服',
      close: '关闭在线客服',
      unread: (n) => `${n} 条未读消息`,
      log: '聊天记录',
      input: '输入消息',
      placeholder: '输入消息，回车发送',
      send: '发送',
      quick: '快捷回复',
      you: '我',
      bot: '智能助手',
      auto: '智能助手 · 自动回复',
      agent: '人工客服',
      note: '系统提示',
      empty: '您好！有什么可以帮您？直接给我们发消息吧。',
      reconnecting: '连接中断，正在重新连接…',
      errNetwork: '网络异常，消息没有发出。文字已保留，请稍后重试。',
      errBusy: '发送太频繁了，请稍等几秒再发。文字已保留。',
      errInvalid: '这条消息无法发送，请修改后重试。',
      errTooLong: `消息太长了，最多 ${MAX} 个字。`,
      errServer: '客服系统暂时不可用，请稍后重试。文字已保留。',
      errHistory: '聊天记录加载失败，请稍后刷新重试。',
    },
    en: {
      title: 'Chat with us',
      subtitle: 'We usually reply within seconds',
      open: 'Open chat',
      close: 'Close chat',
      unread: (n) => `${n} unread message${n === 1 ? '' : 's'}`,
      log: 'Conversation',
      input: 'Type a message',
      placeholder: 'Type a message, Enter to send',
      send: 'Send',
      quick: 'Quick replies',
      you: 'You',
      bot: 'Assistant',
      auto: 'Assistant · automatic reply',
      agent: 'Agent',
      note: 'Notice',
      empty: 'Hi! How can we help? Just send us a message.',
      reconnecting: 'Connection lost, reconnecting…',
      errNetwork: 'Network problem: your message was not sent. Your text is kept — please try again.',
      errBusy: 'You are sending too fast. Please wait a few seconds. Your text is kept.',
      errInvalid: 'This message could not be sent. Please edit it and try again.',
      errTooLong: `Message too long (at most ${MAX} characters).`,
      errServer: 'The chat service is unavailable right now. Your text is kept — please try again.',
      errHistory: 'Could not load the conversation. Please reload later.',
    },
  }[lang];

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
    el.append(...children.filter(Boolean));
    return el;
  };
  const icon = (d, cls) => {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    if (cls) svg.setAttribute('class', cls);
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    svg.append(path);
    return svg;
  };
  const CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
  const CROSS = 'M6 6l12 12M18 6L6 18';
  const SEND = 'M3 11.5 21 3l-8.5 18-2.2-7.3z';

  // ---------- skeleton ----------
  const host = h('div', { id: 'firstreply-widget', 'data-firstreply': '' });
  const root = host.attachShadow({ mode: 'open' });
  const badge = h('span', { class: 'badge', hidden: true });
  const launcher = h(
    'button',
    {
      class: 'launcher',
      type: 'button',
      'aria-label': T.open,
      'aria-expanded': 'false',
      'aria-controls': 'panel',
    },
    icon(CHAT, 'i-chat'),
    icon(CROSS, 'i-close'),
    badge,
  );
  const closeBtn = h('button', { class: 'close', type: 'button', 'aria-label': T.close }, icon(CROSS));
  const status = h('p', { class: 'status', role: 'status', hidden: true });
  const empty = h('p', { class: 'empty', text: T.empty });
  const log = h('ol', {
    class: 'log',
    role: 'log',
    'aria-live': 'polite',
    'aria-relevant': 'additions',
    'aria-label': T.log,
  });
  const scroller = h('div', { class: 'scroller' }, empty, log);
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const input = h('textarea', {
    id: 'input',
    rows: '1',
    placeholder: T.placeholder,
    maxlength: String(MAX),
    'aria-label': T.input,
  });
  const sendBtn = h('button', { class: 'send', type: 'submit', 'aria-label': T.send }, icon(SEND));
  const form = h('form', { class: 'composer', novalidate: true }, input, sendBtn);
  const panel = h(
    'section',
    { id: 'panel', class: 'panel', role: 'dialog', 'aria-labelledby': 'title', hidden: true },
    h(
      'header',
      {},
      h('span', { class: 'avatar', 'aria-hidden': 'true', text: lang === 'zh' ? '客' : 'Hi' }),
      h('div', { class: 'heading' }, h('h2', { id: 'title', text: T.title }), h('p', { text: T.subtitle })),
      closeBtn,
    ),
    status,
    scroller,
    error,
    form,
  );
  const style = h('style', { text: CSS() });
  if (/^#[0-9a-f]{3,8}$/i.test(opts.accent || '')) host.style.setProperty('--fr-accent', opts.accent);
  root.append(style, h('div', { class: 'fr', lang: lang === 'zh' ? 'zh-CN' : 'en' }, panel, launcher));

  // ---------- state ----------
  let session = readSession();
  let started = null; // promise: session checked, stream open, history loaded
  let es = null;
  let unread = 0;
  let queue = Promise.resolve();
  const shown = new Map(); // server message id -> element
  let unconfirmed = []; // shown locally, no server id yet: {actor, text, el}

  function readSession() {
    try {
      const s = JSON.parse(localStorage.getItem(STORE_KEY) || 'null');
      return s && typeof s.customerId === 'string' && typeof s.token === 'string' ? s : null;
    } catch {
      return null;
    }
  }
  function saveSession(s) {
    session = s;
    try {
      if (s) localStorage.setItem(STORE_KEY, JSON.stringify({ customerId: s.customerId, token: s.token }));
      else localStorage.removeItem(STORE_KEY);
    } catch {
      /* storage disabled: keep it in memory for this page */
    }
  }
  const remember = (open) => {
    try {
      if (open) sessionStorage.setItem(OPEN_KEY, '1');
      else sessionStorage.removeItem(OPEN_KEY);
    } catch {}
  };

  // ---------- server ----------
  class SendError extends Error {
    constructor(status, body) {
      super(body?.error?.message || `HTTP ${status}`);
      this.status = status;
    }
  }
  const postJson = (path, body) =>
    fetch(API + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const visitorQuery = () =>
    new URLSearchParams({ customerId: session.customerId, token: session.token }).toString();

  function start() {
    if (!started) {
      started = (async () => {
        const res = await postJson('/api/widget/session', session || {});
        if (!res.ok) throw new SendError(res.status, null);
        const next = await res.json();
        if (session && next.customerId !== session.customerId) resetView(); // old visitor gone: start clean
        saveSession(next);
        connect();
        await loadHistory().catch(() => {}); // shown as a status line; sending still works
      })();
      started.catch(() => {
        started = null;
      });
    }
    return started;
  }

  async function loadHistory() {
    try {
      const res = await fetch(`${API}/api/widget/history?${visitorQuery()}`);
      if (!res.ok) throw new SendError(res.status, null);
      const body = await res.json();
      for (const m of body.messages || []) addServer(m, false);
      if (status.textContent === T.errHistory) setStatus('');
    } catch (e) {
      setStatus(T.errHistory);
      throw e;
    }
  }

  function connect() {
    if (es) es.close();
    const source = new EventSource(`${API}/api/widget/stream?${visitorQuery()}`);
    es = source;
    let broken = false;
    source.addEventListener('message', (e) => {
      try {
        addServer(JSON.parse(e.data), true);
      } catch {}
    });
    source.addEventListener('open', () => {
      if (!broken) return;
      broken = false;
      setStatus('');
      loadHistory().catch(() => {}); // fill whatever was published while we were away
    });
    source.addEventListener('error', () => {
      if (es !== source) return;
      broken = true;
      setStatus(T.reconnecting);
      // EventSource retries by itself, except after a refused (non-200) answer: check the session again later.
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(() => {
          if (es !== source) return;
          started = null;
          start().catch(() => {});
        }, 5000);
      }
    });
  }

  function resetView() {
    for (const el of [...log.children]) el.remove();
    shown.clear();
    unconfirmed = [];
    empty.hidden = false;
  }

  // ---------- rendering ----------
  const NOTE_KINDS = new Set(['handoff', 'away', 'queue']);
  function roleOf(m) {
    if (m.actor === 'customer') return 'me';
    if (m.actor === 'agent') return 'agent';
    if (m.actor === 'system' || NOTE_KINDS.has(m.kind)) return 'note';
    return 'bot';
  }
  const timeFmt = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en', {
    hour: '2-digit',
    minute: '2-digit',
  });

  function renderMessage(m, local) {
    const role = roleOf(m);
    const label = { me: T.you, agent: T.agent, note: T.note, bot: m.kind === 'template' ? T.auto : T.bot }[
      role
    ];
    const at = typeof m.at === 'number' ? m.at : Date.now();
    const el = h(
      'li',
      {
        class: `msg ${role}${local ? ' pending' : ''}`,
        'data-actor': m.actor,
        'data-kind': m.kind || (m.actor === 'agent' ? 'agent' : false),
      },
      h('span', { class: role === 'me' || role === 'note' ? 'label sr' : 'label', text: label }),
      h('div', { class: 'bubble', text: m.text == null ? '' : String(m.text) }),
      h('time', { datetime: new Date(at).toISOString(), text: timeFmt.format(at) }),
    );
    if (!local) {
      el.dataset.id = m.id;
      el.dataset.at = String(at);
      shown.set(m.id, el);
    }
    place(el, local ? Number.POSITIVE_INFINITY : at);
    empty.hidden = true;
    return el;
  }

  /** Appends, except that a server message older than the last shown ones (history refill) goes in order. */
  function place(el, at) {
    let ref = null;
    for (let c = log.lastElementChild; c; c = c.previousElementSibling) {
      if (c.dataset.at && Number(c.dataset.at) > at) ref = c;
      else break;
    }
    const stick = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
    log.insertBefore(el, ref);
    if (stick || el.classList.contains('me')) scroller.scrollTop = scroller.scrollHeight;
  }

  /** The server has the message: it gets its id (and its time, when known), and is shown once. */
  function confirmEl(el, m) {
    el.dataset.id = m.id;
    if (typeof m.at === 'number') el.dataset.at = String(m.at);
    el.classList.remove('pending');
    shown.set(m.id, el);
  }

  /** A message from the server (history or stream): shown once, matched against what is already on screen. */
  function addServer(m, live) {
    if (!m || typeof m.id !== 'string' || shown.has(m.id)) return;
    const i = unconfirmed.findIndex((u) => u.actor === m.actor && u.text === m.text);
    if (i >= 0) {
      confirmEl(unconfirmed[i].el, m);
      unconfirmed.splice(i, 1);
      return;
    }
    renderMessage(m, false);
    if (live && m.actor !== 'customer' && panel.hidden) {
      unread++;
      badge.textContent = String(unread);
      badge.hidden = false;
      launcher.setAttribute('aria-label', `${T.open} (${T.unread(unread)})`);
    }
  }

  function addQuickReplies(el, list) {
    const group = h('div', { class: 'quick', role: 'group', 'aria-label': T.quick });
    for (const q of list) {
      if (typeof q === 'string' && q.trim())
        group.append(h('button', { type: 'button', text: q, onclick: () => submit(q) }));
    }
    if (group.childElementCount) el.append(group);
    scroller.scrollTop = scroller.scrollHeight;
  }

  function setStatus(text) {
    status.textContent = text;
    status.hidden = !text;
  }
  function showError(text) {
    error.textContent = text;
    error.hidden = !text;
  }

  // ---------- sending ----------
  function submit(raw, fromInput) {
    const text = String(raw);
    if (!text.trim()) return;
    if (text.length > MAX) return showError(T.errTooLong);
    if (fromInput) input.value = '';
    autosize();
    showError('');
    for (const q of log.querySelectorAll('.quick')) q.remove();
    const el = renderMessage({ actor: 'customer', text, at: Date.now() }, true);
    const item = { actor: 'customer', text, el };
    unconfirmed.push(item);
    queue = queue.then(() => deliver(item)); // one at a time, in order
  }

  async function deliver(item) {
    try {
      await start();
      const post = () => postJson('/api/messages', { ...session, channel: 'web', text: item.text });
      let res = await post();
      if (res.status === 401) {
        // The token is no longer valid (e.g. the server's key changed): start over as a new visitor.
        saveSession(null);
        started = null;
        resetView();
        await start();
        log.append(item.el);
        empty.hidden = true;
        if (!item.el.dataset.id) unconfirmed.push(item);
        res = await post();
      }
      const body = await res.json().catch(() => null);
      if (!res.ok || !body) throw new SendError(res.status, body);
      item.el.classList.remove('pending');
      // The answer carries the log's event ids, as the live stream does: each message shows once,
      // whichever of the two brings it first.
      if (typeof body.messageId === 'string' && !item.el.dataset.id) {
        unconfirmed = unconfirmed.filter((u) => u !== item);
        confirmEl(item.el, { id: body.messageId });
      }
      for (const r of body.replies || []) {
        let el = typeof r.id === 'string' ? shown.get(r.id) : undefined;
        if (!el) {
          el = renderMessage({ actor: 'bot', kind: r.kind, text: r.text, at: Date.now() }, true);
          if (typeof r.id === 'string') confirmEl(el, { id: r.id });
          else el.classList.remove('pending');
        }
        if (Array.isArray(r.quickReplies) && r.quickReplies.length) addQuickReplies(el, r.quickReplies);
      }
    } catch (e) {
      if (!item.el.dataset.id) {
        // Not on the server: take the bubble back and put the text back where it can be sent again.
        unconfirmed = unconfirmed.filter((u) => u !== item);
        item.el.remove();
        empty.hidden = log.childElementCount > 0;
        input.value = input.value ? `${input.value}\n${item.text}` : item.text;
        autosize();
      }
      const s = e?.status;
      showError(
        s === undefined
          ? T.errNetwork
          : s === 429
            ? T.errBusy
            : s >= 400 && s < 500 && s !== 401
              ? T.errInvalid
              : T.errServer,
      );
      if (!panel.hidden) input.focus();
    }
  }

  function autosize() {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  }

  // ---------- open / close ----------
  function open(focus = true) {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    launcher.setAttribute('aria-label', T.open);
    launcher.classList.add('is-open');
    unread = 0;
    badge.hidden = true;
    remember(true);
    if (focus) input.focus();
    scroller.scrollTop = scroller.scrollHeight;
    start().catch(() => {});
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.classList.remove('is-open');
    remember(false);
    launcher.focus();
  }

  launcher.addEventListener('click', () => (panel.hidden ? open() : close()));
  closeBtn.addEventListener('click', close);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !e.isComposing) close();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit(input.value, true);
    input.focus();
  });
  input.addEventListener('keydown', (e) => {
    // Enter sends; Shift+Enter is a new line; Enter while an IME (pinyin…) is composing picks the candidate.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener('input', autosize);

  const mount = () => {
    document.body.append(host);
    let wasOpen = false;
    try {
      wasOpen = sessionStorage.getItem(OPEN_KEY) === '1';
    } catch {}
    if (wasOpen) open(false);
    else if (session) start().catch(() => {}); // a returning visitor: listen for agent replies right away
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);

  window.FirstReplyWidget = { open: () => open(), close };

  function CSS() {
    return `
:host { all: initial; }
.fr { --accent: var(--fr-accent, #ff5000); position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
  "Noto Sans CJK SC", "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1f2328; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
svg { width: 22px; height: 22px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
button { font: inherit; cursor: pointer; }
button:focus-visible, textarea:focus-visible { outline: 3px solid color-mix(in srgb, var(--accent) 45%, white); outline-offset: 2px; }
.launcher { position: relative; margin-left: auto; display: grid; place-items: center; width: 58px; height: 58px; border: 0;
  border-radius: 50%; background: var(--accent); color: #fff; box-shadow: 0 6px 20px rgba(0,0,0,.22); transition: transform .15s; }
.launcher:hover { transform: scale(1.05); }
.launcher svg { width: 26px; height: 26px; }
.launcher .i-close, .launcher.is-open .i-chat, .launcher.is-open .badge { display: none; }
.launcher.is-open .i-close { display: block; }
.badge { position: absolute; top: -2px; right: -2px; min-width: 20px; height: 20px; padding: 0 6px; border-radius: 10px;
  background: #d1242f; color: #fff; font-size: 12px; line-height: 20px; font-weight: 600; border: 2px solid #fff; }
.panel { position: absolute; right: 0; bottom: 72px; width: 370px; height: min(580px, calc(100vh - 110px));
  display: flex; flex-direction: column; background: #fff; border-radius: 16px; overflow: hidden;
  box-shadow: 0 12px 40px rgba(0,0,0,.22), 0 0 0 1px rgba(0,0,0,.05); }
header { display: flex; align-items: center; gap: 10px; padding: 14px 14px 14px 16px; background: var(--accent); color: #fff; }
.avatar { display: grid; place-items: center; width: 36px; height: 36px; border-radius: 50%; background: rgba(255,255,255,.22);
  font-weight: 700; }
.heading { flex: 1; min-width: 0; }
h2 { margin: 0; font-size: 16px; font-weight: 600; }
header p { margin: 0; font-size: 12px; opacity: .88; }
.close { display: grid; place-items: center; width: 34px; height: 34px; border: 0; border-radius: 8px; background: transparent; color: #fff; }
.close:hover { background: rgba(255,255,255,.18); }
.close svg { width: 20px; height: 20px; }
.status { margin: 0; padding: 6px 14px; font-size: 12px; background: #fff8c5; color: #7d4e00; }
.scroller { flex: 1; overflow-y: auto; padding: 14px 12px 6px; background: #f6f7f9; overscroll-behavior: contain; }
.empty { margin: 24px 12px; text-align: center; color: #656d76; }
.log { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
.msg { display: flex; flex-direction: column; max-width: 82%; align-self: flex-start; }
.label { font-size: 12px; color: #656d76; margin: 0 0 2px 4px; }
.bubble { padding: 8px 12px; border-radius: 14px; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.06);
  white-space: pre-wrap; overflow-wrap: anywhere; }
time { font-size: 11px; color: #8c959f; margin: 2px 4px 0; }
.msg.bot .bubble { border-top-left-radius: 4px; }
.msg.me { align-self: flex-end; align-items: flex-end; }
.msg.me .bubble { background: var(--accent); color: #fff; border-top-right-radius: 4px; }
.msg.pending .bubble { opacity: .6; }
.msg.agent .label { color: #0969da; font-weight: 600; }
.msg.agent .bubble { background: #ddf4ff; border-top-left-radius: 4px; box-shadow: inset 3px 0 0 #0969da; }
.msg[data-kind="greeting"] .bubble { background: #fff4ec; }
.msg.note { align-self: center; align-items: center; max-width: 92%; }
.msg.note .bubble { background: #fff8e1; color: #7a5400; font-size: 13px; border-radius: 10px; text-align: center;
  box-shadow: none; border: 1px solid #f5e0a8; padding: 6px 12px; }
.msg.note time { display: none; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.quick { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.quick button { border: 1px solid var(--accent); color: var(--accent); background: #fff; border-radius: 999px; padding: 3px 12px; font-size: 13px; }
.quick button:hover { background: color-mix(in srgb, var(--accent) 10%, white); }
.error { margin: 0; padding: 8px 14px; font-size: 13px; background: #ffebe9; color: #a40e26; border-top: 1px solid #ffcecb; }
.composer { display: flex; align-items: flex-end; gap: 8px; padding: 10px 12px; border-top: 1px solid #eaecef; background: #fff; }
textarea { flex: 1; resize: none; min-height: 38px; max-height: 120px; padding: 8px 12px; border: 1px solid #d0d7de; border-radius: 19px;
  font: inherit; color: inherit; background: #fff; line-height: 20px; }
textarea:focus { border-color: var(--accent); outline: none; }
.send { display: grid; place-items: center; width: 38px; height: 38px; flex: none; border: 0; border-radius: 50%; background: var(--accent); color: #fff; }
.send svg { width: 18px; height: 18px; }
@media (max-width: 480px) {
  .fr { right: 12px; bottom: 12px; }
  .panel { position: fixed; inset: 0; width: auto; height: auto; border-radius: 0; }
  .launcher.is-open { display: none; }
}
@media (prefers-reduced-motion: reduce) { .launcher { transition: none; } }
`;
  }
})();
