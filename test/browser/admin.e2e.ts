import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { launchBrowser, type PageProblems, watchPage } from './support/browser';

const ADMIN_PASSWORD = 'admin-password-123';
const NEW_TEXT = '亲，今天16点前付款今天就发货哦～';

/** The bot's template replies as the widget shows them (inside its shadow root). */
const templateReplies = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const root = document.querySelector('#firstreply-widget')?.shadowRoot;
    return Array.from(
      root?.querySelectorAll('li.msg[data-actor="bot"][data-kind="template"] .bubble') ?? [],
    ).map((b) => b.textContent ?? '');
  });

describe('admin console in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let adminContext: BrowserContext;
  let customerContext: BrowserContext;
  let admin: Page;
  let customer: Page;
  let adminProblems: PageProblems;
  let customerProblems: PageProblems;
  let originals: string[];

  beforeAll(async () => {
    app = await startTestApp('sqlite', { ADMIN_PASSWORD });
    originals = app.services.config.current.document.replies.find((r) => r.id === 'shipping-time')!.text.zh!;
    browser = await launchBrowser();
    adminContext = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
    customerContext = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    admin = await adminContext.newPage();
    customer = await customerContext.newPage();
    adminProblems = watchPage(admin);
    customerProblems = watchPage(customer);
  });

  afterAll(async () => {
    await adminContext?.close();
    await customerContext?.close();
    await browser?.close();
    await app?.close();
  });

  const nav = (name: string) => admin.getByRole('navigation').getByRole('button', { name, exact: true });
  const liveBadge = () => admin.getByTestId('live-version').textContent();
  const notice = () => admin.locator('.notice').first().textContent();

  async function customerAsks(text: string): Promise<string> {
    const before = (await templateReplies(customer)).length;
    const input = customer.getByRole('textbox', { name: '输入消息' });
    await input.fill(text);
    await input.press('Enter');
    await expect.poll(async () => (await templateReplies(customer)).length).toBe(before + 1);
    return (await templateReplies(customer)).at(-1)!;
  }

  it('refuses a non-admin and a wrong password, then signs the admin in', async () => {
    await app.services.agents.create({ login: 'ann', name: 'Ann', password: 'agent-password-1' });
    await admin.goto(`${app.url}/admin`);
    await admin.getByLabel('登录名').fill('ann');
    await admin.getByLabel('密码').fill('agent-password-1');
    await admin.getByRole('button', { name: '登录', exact: true }).click();
    await expect
      .poll(() => admin.getByRole('alert').textContent())
      .toBe('此账号不是管理员，无法使用管理后台。');
    expect(await admin.getByRole('navigation').count()).toBe(0);

    await admin.getByLabel('登录名').fill('admin');
    await admin.getByLabel('密码').fill('wrong-password');
    await admin.getByRole('button', { name: '登录', exact: true }).click();
    await expect.poll(() => admin.getByRole('alert').textContent()).toBe('登录名或密码错误。');

    await admin.getByLabel('密码').fill(ADMIN_PASSWORD);
    await admin.getByRole('button', { name: '登录', exact: true }).click();
    await admin.getByRole('navigation').waitFor();
    expect(await liveBadge()).toBe('当前线上版本 v1');
    expect(await nav('意图与关键词').getAttribute('aria-current')).toBe('page');
  });

  it('a rejected edit names the field, marks it, and leaves the live version as it was', async () => {
    await nav('回复模板').click();
    await admin
      .getByRole('list', { name: '回复模板' })
      .getByRole('button', { name: /shipping-time/ })
      .click();
    const first = admin.getByRole('textbox', { name: '中文 (zh) · 第 1 条' });
    await first.fill('{{price}} 元，今天发');
    await admin.getByRole('button', { name: '发布更改' }).click();
    await expect.poll(notice).toContain('修改未发布，配置保持不变');
    expect(await notice()).toContain('replies.shipping-time.text.zh.0: unknown template variable {{price}}');
    expect(await first.getAttribute('aria-invalid')).toBe('true');
    expect(await liveBadge()).toBe('当前线上版本 v1');
    expect(app.services.config.current.version).toBe(1);
  });

  it('an admin changes a reply; the customer in the widget gets the new text on the next message', async () => {
    await customer.goto(`${app.url}/`);
    await customer.getByRole('button', { name: '打开在线客服' }).click();
    expect(originals).toContain(await customerAsks('什么时候发货'));

    const first = admin.getByRole('textbox', { name: '中文 (zh) · 第 1 条' });
    await first.fill(NEW_TEXT);
    // One variant only, so the next answer is this text whatever the turn.
    await admin.getByRole('button', { name: '删除此条 2' }).click();
    expect(await admin.getByRole('textbox', { name: '中文 (zh) · 第 2 条' }).count()).toBe(0);
    await admin.getByRole('button', { name: '发布更改' }).click();
    await expect.poll(notice).toBe('已发布，线上版本现在是 v2。下一条客户消息即使用新配置。');
    expect(await liveBadge()).toBe('当前线上版本 v2');

    expect(await customerAsks('什么时候发货呀')).toBe(NEW_TEXT);
  });

  it('the admin sees the change in the version history and restores the old version; the customer gets the old text again', async () => {
    await nav('版本历史').click();
    const table = admin.getByRole('table', { name: '版本历史' });
    await table.getByRole('row').nth(2).waitFor();
    expect(await table.getByRole('row').count()).toBe(3); // header + v2 + v1
    expect(await table.getByRole('row').nth(1).textContent()).toContain('edit reply shipping-time');
    expect(await table.getByRole('row').nth(1).textContent()).toContain('admin');

    await admin.getByRole('button', { name: '查看 v2' }).click();
    const diff = admin.getByRole('region', { name: '版本 v2 的改动（与前一版本相比）' });
    await diff.waitFor();
    expect(await diff.textContent()).toContain('replies.shipping-time.text.zh');
    expect(await diff.textContent()).toContain(NEW_TEXT);

    await admin.getByRole('button', { name: '查看 v1' }).click();
    await admin.getByRole('button', { name: '恢复到此版本' }).click();
    await admin.getByRole('button', { name: '确认恢复到 v1' }).click();
    await expect.poll(notice).toBe('已恢复版本 v1，成为新版本 v3。');
    expect(await liveBadge()).toBe('当前线上版本 v3');
    await expect.poll(() => admin.getByRole('table', { name: '版本历史' }).getByRole('row').count()).toBe(4);

    expect(originals).toContain(await customerAsks('什么时候发货'));
    expect(adminProblems).toEqual({ errors: expect.any(Array), dialogs: [] });
    // The only console errors allowed: the wrong password (401) and the refused publish (422) above.
    expect(adminProblems.errors.filter((e) => !/status of (401|422)/.test(e))).toEqual([]);
    expect(customerProblems).toEqual({ errors: [], dialogs: [] });
  });

  it('the try-it box explains a message; the console switches to English; admin text is never parsed as HTML', async () => {
    // An intent description with markup must show as text.
    const v = app.services.config.current.version;
    const doc = structuredClone(app.services.config.current.document);
    doc.intents.find((i) => i.id === 'refund')!.description = '<img src=x onerror="alert(1)">退款';
    expect((await app.services.config.publish(doc, v, 'test', 'markup in a description')).ok).toBe(true);

    await nav('意图与关键词').click();
    await admin
      .getByRole('button', { name: /refund/ })
      .first()
      .click();
    expect(await admin.getByLabel('说明').inputValue()).toBe('<img src=x onerror="alert(1)">退款');
    expect(await admin.locator('main img').count()).toBe(0);

    await nav('试一试').click();
    await admin.getByLabel('客户消息').fill('什么时候发货');
    await admin.getByRole('button', { name: '试运行' }).click();
    const result = admin.getByRole('region', { name: /^线上 v\d+$/ });
    await result.waitFor();
    expect(await result.getByTestId('decision').textContent()).toBe('自动回复');
    expect(await result.textContent()).toContain('shipping-time');
    expect(await result.textContent()).toContain('什么时候');
    mkdirSync('docs', { recursive: true });
    await admin.screenshot({ path: 'docs/admin.png', fullPage: false });

    await admin.getByRole('button', { name: 'English' }).click();
    expect(await nav('Try it').getAttribute('aria-current')).toBe('page');
    expect(await admin.getByRole('heading', { level: 2 }).textContent()).toBe('Try it');
    expect(await liveBadge()).toMatch(/^Live version v\d+$/);
    await nav('Reply templates').click();
    await admin.getByRole('button', { name: /shipping-time/ }).click();
    expect(await admin.getByRole('textbox', { name: 'Chinese (zh) · variant 1' }).count()).toBe(1);
    expect(adminProblems.dialogs).toEqual([]);
  });
});
