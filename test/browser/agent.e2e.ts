import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { launchBrowser, type PageProblems, watchPage } from './support/browser';

const ADMIN_PASSWORD = 'admin-password-123';
const PASSWORD = 'agent-password-123';

async function api(app: TestApp, method: string, path: string, token?: string, body?: unknown) {
  const r = await fetch(app.url + path, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as any };
}

/** What the widget shows the customer, read from its shadow root. */
const widgetMessages = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('#firstreply-widget')?.shadowRoot;
    return Array.from(root?.querySelectorAll('li.msg') ?? []).map((li) => ({
      actor: li.getAttribute('data-actor') ?? '',
      text: li.querySelector('.bubble')?.textContent ?? '',
    }));
  });

/** The chats in the agent's list, in display order. */
const chatList = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('.chat-list .chat')).map((b) => ({
      id: b.getAttribute('data-chat-id'),
      tier: b.querySelector('.tier')?.textContent ?? '',
      wait: b.querySelector('.wait')?.textContent ?? '',
      overdue: b.closest('li')?.classList.contains('is-overdue') ?? false,
    })),
  );

const logTexts = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('.log li.msg')).map((li) => ({
      actor: li.getAttribute('data-actor'),
      text: li.querySelector('.bubble')?.textContent ?? '',
    })),
  );

describe('agent workspace in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let agentContext: BrowserContext;
  let customerContext: BrowserContext;
  let supervisorContext: BrowserContext;
  let agentPage: Page;
  let customerPage: Page;
  let agentProblems: PageProblems;
  let agentId: string;
  let conversationId: string;

  beforeAll(async () => {
    app = await startTestApp('sqlite', { ADMIN_PASSWORD });
    const admin = (
      await api(app, 'POST', '/api/auth/login', undefined, { login: 'admin', password: ADMIN_PASSWORD })
    ).body.token;
    const created = await api(app, 'POST', '/api/agents', admin, {
      login: 'xiaolin',
      name: '小林',
      password: PASSWORD,
      level: 'regular',
    });
    expect(created.status).toBe(201);
    agentId = created.body.agent.id;
    browser = await launchBrowser();
    agentContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    customerContext = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    supervisorContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    agentPage = await agentContext.newPage();
    customerPage = await customerContext.newPage();
    agentProblems = watchPage(agentPage);
  });

  afterAll(async () => {
    await agentContext?.close();
    await customerContext?.close();
    await supervisorContext?.close();
    await browser?.close();
    await app?.close();
  });

  it('a wrong password is refused on the page; the right one opens the workspace; going online', async () => {
    await agentPage.goto(`${app.url}/agent`);
    await expect.poll(() => agentPage.title()).toContain('客服工作台');
    await agentPage.getByLabel('登录名').fill('xiaolin');
    await agentPage.getByLabel('密码').fill('wrong-password');
    await agentPage.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => agentPage.getByRole('alert').textContent()).toContain('登录名或密码错误');
    // That refused login is the one console error (401) this page is expected to have.
    expect(agentProblems.errors).toEqual([expect.stringContaining('401')]);
    agentProblems.errors.length = 0;

    await agentPage.getByLabel('密码').fill(PASSWORD);
    await agentPage.getByRole('button', { name: '登录' }).click();
    const status = agentPage.getByRole('combobox', { name: '我的状态' });
    await status.waitFor();
    expect(await status.inputValue()).toBe('offline');
    await expect.poll(() => agentPage.locator('.conn').textContent()).toBe('实时连接');

    await status.selectOption('online');
    await expect.poll(async () => (await app.services.routingStore.agent(agentId))?.status).toBe('online');
    // The server may store the status before the page has its answer: wait for the page.
    await expect.poll(() => agentPage.locator('.hint.warn').isVisible()).toBe(false);
  });

  it('a customer asking for a person in the widget appears in the agent’s list without a reload', async () => {
    await agentPage.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    expect(await chatList(agentPage)).toEqual([]);

    await customerPage.goto(`${app.url}/`);
    await customerPage.getByRole('button', { name: '打开在线客服' }).click();
    const input = customerPage.getByRole('textbox', { name: '输入消息' });
    await input.fill('人工');
    await input.press('Enter');

    await expect.poll(async () => (await chatList(agentPage)).length, { timeout: 10_000 }).toBe(1);
    const [chat] = await chatList(agentPage);
    conversationId = chat!.id!;
    expect(chat).toMatchObject({ tier: '一般', overdue: false });
    expect(chat!.wait).toMatch(/^等待 \d+:\d\d$/);
    expect(await agentPage.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    expect((await app.services.routingStore.conversation(conversationId))?.agent_id).toBe(agentId);

    // The waiting timer runs live.
    const before = (await chatList(agentPage))[0]!.wait;
    await expect.poll(async () => (await chatList(agentPage))[0]!.wait, { timeout: 4000 }).not.toBe(before);
  });

  it('the agent opens the chat, sees the history as text, inserts a suggested reply and sends it; the customer sees it', async () => {
    const input = customerPage.getByRole('textbox', { name: '输入消息' });
    const evil = '<img src=x onerror=alert(1)>';
    for (const text of [evil, '请问什么时候发货？', '谢谢']) {
      await input.fill(text);
      await input.press('Enter');
      await expect.poll(async () => input.inputValue()).toBe('');
    }
    // Unread marker on the chat while it is not open.
    await agentPage.locator(`.chat[data-chat-id="${conversationId}"] .unread`).waitFor();

    await agentPage.locator(`.chat[data-chat-id="${conversationId}"]`).click();
    await expect
      .poll(async () => (await logTexts(agentPage)).filter((m) => m.actor === 'customer').map((m) => m.text))
      .toEqual(['人工', evil, '请问什么时候发货？', '谢谢']);
    expect(await agentPage.locator('.log img').count()).toBe(0);
    expect(agentProblems.dialogs).toEqual([]);

    // The newest customer message suggests nothing; the one before it does.
    const chip = agentPage.getByRole('group', { name: '推荐回复' }).getByRole('button').first();
    await chip.waitFor();
    expect(await chip.textContent()).toBe('付款后48小时内发货。');
    const reply = agentPage.getByRole('textbox', { name: '回复内容' });
    await reply.fill('您好，我是小林。');
    await chip.click();
    expect(await reply.inputValue()).toBe('您好，我是小林。付款后48小时内发货。');
    await agentPage.getByRole('button', { name: '发送' }).click();

    await expect.poll(async () => reply.inputValue()).toBe('');
    await expect
      .poll(async () => (await logTexts(agentPage)).filter((m) => m.actor === 'agent').map((m) => m.text))
      .toEqual(['您好，我是小林。付款后48小时内发货。']);
    await expect
      .poll(
        async () =>
          (await widgetMessages(customerPage)).filter((m) => m.actor === 'agent').map((m) => m.text),
        { timeout: 10_000 },
      )
      .toEqual(['您好，我是小林。付款后48小时内发货。']);
    // Answered: the chat no longer counts waiting time.
    await expect.poll(async () => (await chatList(agentPage))[0]?.wait).toBe('已回复');

    // A second customer (API channel) wants a refund: urgent. Its deadline passes and the deadline
    // watcher flags it: it turns red and goes to the top of the list, live.
    const refund = await api(app, 'POST', '/api/messages', undefined, {
      customerId: 'buyer-42',
      text: '我要退款，快递一直没到',
      name: '王女士',
    });
    expect(refund.body.handoff).toBe(true);
    await app.services.router.kick();
    await expect
      .poll(async () => (await chatList(agentPage)).map((c) => c.id))
      .toEqual([refund.body.conversationId, conversationId]);
    expect((await chatList(agentPage))[0]).toMatchObject({ tier: '紧急', overdue: false });
    await app.services.routingStore.database.db
      .updateTable('conversations')
      .set({ overdue_due_at: Date.now() - 1000 })
      .where('id', '=', refund.body.conversationId)
      .execute();
    await app.services.watcher.tick();
    await expect
      .poll(async () => (await chatList(agentPage))[0])
      .toMatchObject({ id: refund.body.conversationId, overdue: true });
    expect(await agentPage.locator('.is-overdue .flag.overdue').textContent()).toBe('超时');
    const red = await agentPage
      .locator('.is-overdue .chat')
      .evaluate((el) => getComputedStyle(el).borderLeftColor);
    expect(red).toBe('rgb(207, 34, 46)');

    mkdirSync('docs', { recursive: true });
    await agentPage.screenshot({ path: 'docs/agent-workspace.png' });
    expect(agentProblems.errors).toEqual([]);
  });

  it('a supervisor sees the agent’s load, the assignment’s explanation, and can force a status', async () => {
    const page = await supervisorContext.newPage();
    const problems = watchPage(page);
    await page.goto(`${app.url}/agent`);
    await page.getByLabel('登录名').fill('admin');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    const force = page.getByRole('combobox', { name: '设置 小林 的状态' });
    await force.waitFor();
    expect(await force.inputValue()).toBe('online');
    await expect
      .poll(() => page.locator('tr', { has: force }).locator('.load').textContent())
      .toContain('2/8');
    // The overdue refund chat is listed for the supervisor, with its agent.
    expect(await page.locator('.overdue-list').textContent()).toContain('王女士 → 小林');

    // The agent's row lists the chats they hold: the supervisor opens one and reads why it went to 小林.
    await page.locator(`.sup-pane [data-chat-id="${conversationId}"]`).click();
    await page.locator('.steps').waitFor();
    const chosen = page.locator('.cands tr.v-chosen td').first();
    await expect.poll(() => chosen.textContent()).toBe('小林');
    expect(await page.locator('.steps').textContent()).toContain('分配给 小林');
    // The supervisor may read but not reply: the chat is not theirs.
    expect(await page.getByRole('textbox', { name: '回复内容' }).isDisabled()).toBe(true);

    await force.selectOption('away');
    await expect.poll(async () => (await app.services.routingStore.agent(agentId))?.status).toBe('away');
    // The agent's own page follows live.
    await expect.poll(() => agentPage.getByRole('combobox', { name: '我的状态' }).inputValue()).toBe('away');
    await page.screenshot({ path: 'docs/agent-supervisor.png' });

    // A response-time alert from the reports reaches the supervisor's page live, as text.
    app.services.hub.publish({
      id: 'alert-1',
      conversationId: '',
      customerKey: '',
      type: 'alert.first_response',
      actor: 'system',
      kind: 'raised',
      text: 'first response 95 s > 60 <b>',
      at: Date.now(),
    });
    await expect.poll(() => page.locator('.toast').textContent()).toBe('告警: first response 95 s > 60 <b>');
    expect(problems.errors).toEqual([]);
    expect(problems.dialogs).toEqual([]);
  });
});
