import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { launchBrowser, type PageProblems, watchPage } from './support/browser';

interface Shown {
  id: string | null;
  actor: string;
  kind: string | null;
  label: string;
  text: string;
  pending: boolean;
  quick: string[];
}

/** What the widget shows, read from inside its shadow root. */
const shown = (page: Page): Promise<Shown[]> =>
  page.evaluate(() => {
    const root = document.querySelector('#firstreply-widget')?.shadowRoot;
    return Array.from(root?.querySelectorAll('li.msg') ?? []).map((li) => ({
      id: li.getAttribute('data-id'),
      actor: li.getAttribute('data-actor') ?? '',
      kind: li.getAttribute('data-kind'),
      label: li.querySelector('.label')?.textContent ?? '',
      text: li.querySelector('.bubble')?.textContent ?? '',
      pending: li.classList.contains('pending'),
      quick: Array.from(li.querySelectorAll('.quick button')).map((b) => b.textContent ?? ''),
    }));
  });

const errorLine = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('#firstreply-widget')?.shadowRoot?.querySelector<HTMLElement>('.error');
    return el && !el.hidden ? el.textContent : null;
  });

/** Every message has its server id and none is shown twice. */
async function settled(page: Page): Promise<Shown[]> {
  await expect
    .poll(async () => {
      const list = await shown(page);
      const ids = list.map((m) => m.id);
      return ids.every(Boolean) && new Set(ids).size === ids.length;
    })
    .toBe(true);
  return shown(page);
}

describe('web widget in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    app = await startTestApp('sqlite');
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    problems = watchPage(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
  });

  const input = () => page.getByRole('textbox', { name: '输入消息' });
  async function send(text: string) {
    await input().fill(text);
    await input().press('Enter');
  }

  it('the demo shop embeds the widget with one script tag; the launcher opens the panel with focus in the input', async () => {
    await page.goto(`${app.url}/`);
    await expect.poll(() => page.title()).toContain('FirstReply');
    expect(await page.locator('script[src$="widget.js"]').count()).toBe(1);
    expect(await page.getByRole('dialog', { name: '在线客服' }).isVisible()).toBe(false);

    const launcher = page.getByRole('button', { name: '打开在线客服' });
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    await launcher.click();
    await page.getByRole('dialog', { name: '在线客服' }).waitFor({ state: 'visible' });
    expect(await launcher.getAttribute('aria-expanded')).toBe('true');
    expect(await page.getByRole('button', { name: '关闭在线客服' }).isVisible()).toBe(true);
    await expect
      .poll(() => input().evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement))
      .toBe(true);
    expect(await page.getByRole('log', { name: '聊天记录' }).getAttribute('aria-live')).toBe('polite');
  });

  it('"在吗" shows the message at once, then the greeting; each message exactly once', async () => {
    await send('在吗');
    expect(await input().inputValue()).toBe('');
    await expect.poll(async () => (await shown(page)).map((m) => m.actor)).toEqual(['customer', 'bot']);
    const list = await settled(page);
    expect(list[0]).toMatchObject({ actor: 'customer', text: '在吗', pending: false });
    expect(list[1]).toMatchObject({ actor: 'bot', kind: 'greeting', label: '智能助手' });
    expect(list[1]!.text).toContain('欢迎光临');
  });

  it('"什么时候发货" gets the template reply with quick-reply buttons; a click sends one', async () => {
    await send('什么时候发货');
    await expect.poll(async () => (await shown(page)).length).toBe(4);
    const reply = (await shown(page))[3]!;
    expect(reply).toMatchObject({ actor: 'bot', kind: 'template', label: '智能助手 · 自动回复' });
    expect(reply.text).toMatch(/48小时内/);
    await expect.poll(async () => (await shown(page))[3]?.quick).toEqual(['查物流', '人工客服']);

    await page.getByRole('group', { name: '快捷回复' }).getByRole('button', { name: '查物流' }).click();
    await expect
      .poll(async () =>
        (await shown(page)).some((m) => m.actor === 'customer' && m.text === '查物流' && m.id),
      )
      .toBe(true);
    // The buttons go once the customer has answered.
    expect(await page.getByRole('group', { name: '快捷回复' }).count()).toBe(0);
    const history = await app.get(`/api/widget/history?${await visitorQuery(page)}`);
    expect(history.body.messages.map((m: { text: string }) => m.text)).toContain('查物流');
    await settled(page);
  });

  it('a failed send shows an error line and keeps the typed text (429, then network down)', async () => {
    const before = (await shown(page)).length;
    await page.route('**/api/messages', (route) =>
      route.fulfill({
        status: 429,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'rate_limited', message: 'too many messages' } }),
      }),
    );
    await send('有蓝色的吗？');
    await expect.poll(() => errorLine(page)).toContain('太频繁');
    expect(await page.getByRole('alert').textContent()).toContain('太频繁');
    expect(await input().inputValue()).toBe('有蓝色的吗？');
    expect((await shown(page)).length).toBe(before);

    await page.unroute('**/api/messages');
    await page.route('**/api/messages', (route) => route.abort('internetdisconnected'));
    await input().press('Enter');
    await expect.poll(() => errorLine(page)).toContain('网络异常');
    expect(await input().inputValue()).toBe('有蓝色的吗？');
    expect((await shown(page)).length).toBe(before);

    await page.unroute('**/api/messages');
    await input().press('Enter');
    await expect
      .poll(async () => (await shown(page)).some((m) => m.text === '有蓝色的吗？' && m.id && !m.pending))
      .toBe(true);
    expect(await errorLine(page)).toBeNull();
    expect(await input().inputValue()).toBe('');
    await settled(page);
  });

  it('message text is never HTML: <img onerror> is shown literally and runs nothing', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await send(evil);
    await expect
      .poll(async () => (await shown(page)).some((m) => m.actor === 'customer' && m.text === evil && m.id))
      .toBe(true);
    await page.waitForTimeout(300); // give a broken image's onerror the chance to fire, were it an element
    const images = await page.evaluate(
      () => document.querySelector('#firstreply-widget')?.shadowRoot?.querySelectorAll('img').length ?? -1,
    );
    expect(images).toBe(0);
    expect(problems.dialogs).toEqual([]);
    await settled(page);
  });

  it('after a reload the history is shown again, the same messages in the same order', async () => {
    const before = await settled(page);
    await page.reload();
    // The panel was open: it opens again by itself (without stealing focus) and loads the history.
    await page.getByRole('dialog', { name: '在线客服' }).waitFor({ state: 'visible' });
    await expect.poll(async () => (await shown(page)).length).toBe(before.length);
    const after = await settled(page);
    expect(after.map((m) => [m.id, m.actor, m.kind, m.text])).toEqual(
      before.map((m) => [m.id, m.actor, m.kind, m.text]),
    );
    expect(after.find((m) => m.text.startsWith('<img'))?.text).toBe('<img src=x onerror=alert(1)>');
    expect(problems.dialogs).toEqual([]);
  });

  it('an agent reply published on the hub appears live, labelled, as text', async () => {
    const { customerId } = await visitor(page);
    const conversationId = (await app.get(`/api/widget/history?${await visitorQuery(page)}`)).body
      .conversationId;
    const count = (await shown(page)).length;
    const id = randomUUID();
    const text = '您好，我是客服小李。<b>蓝色</b>下周到货 <script>alert(2)</script>';
    app.services.hub.publish({
      id,
      conversationId,
      customerKey: `web:${customerId}`,
      type: 'agent.replied',
      actor: 'agent',
      agentId: 'agent-li',
      text,
      at: Date.now(),
    });
    await expect.poll(async () => (await shown(page)).length).toBe(count + 1);
    expect((await shown(page)).at(-1)).toMatchObject({ id, actor: 'agent', label: '人工客服', text });
    // The same event again (e.g. a replay after reconnect) is not shown twice.
    app.services.hub.publish({
      id,
      conversationId,
      customerKey: `web:${customerId}`,
      type: 'agent.replied',
      actor: 'agent',
      text,
      at: Date.now(),
    });
    await page.waitForTimeout(200);
    expect((await shown(page)).length).toBe(count + 1);
    expect(problems.dialogs).toEqual([]);

    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: 'docs/widget.png' });
  });

  it('while the panel is closed, a live message shows an unread badge; Escape closes, focus returns', async () => {
    await input().focus();
    await input().press('Escape');
    const launcher = page.getByRole('button', { name: '打开在线客服' });
    await launcher.waitFor();
    expect(await launcher.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);

    const { customerId } = await visitor(page);
    app.services.hub.publish({
      id: randomUUID(),
      conversationId: 'c',
      customerKey: `web:${customerId}`,
      type: 'agent.replied',
      actor: 'agent',
      text: '还在吗？',
      at: Date.now(),
    });
    await page.getByRole('button', { name: '打开在线客服 (1 条未读消息)' }).click();
    await expect.poll(async () => (await shown(page)).at(-1)?.text).toBe('还在吗？');
    expect(
      await page.evaluate(
        () =>
          document.querySelector('#firstreply-widget')?.shadowRoot?.querySelector<HTMLElement>('.badge')
            ?.hidden,
      ),
    ).toBe(true);
    // Nothing unexpected went wrong on the page (the deliberate 429 / aborted requests aside).
    expect(
      problems.errors.filter((e) => !/429|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e)),
    ).toEqual([]);
  });
});

async function visitor(page: Page): Promise<{ customerId: string; token: string }> {
  const raw = await page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('firstreply.visitor'));
    return key ? localStorage.getItem(key) : null;
  });
  expect(raw).toBeTruthy();
  return JSON.parse(raw!);
}

async function visitorQuery(page: Page): Promise<string> {
  return new URLSearchParams(await visitor(page)).toString();
}
