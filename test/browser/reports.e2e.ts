import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import {
  ADMIN_PASSWORD,
  call,
  Clock,
  insertHistory,
  login,
  pipeline,
  type Scenario,
  seedDay,
  T0,
} from '../reports/seed';
import { launchBrowser, type PageProblems, watchPage } from './support/browser';

/** The page's own formatting, in Chinese and English (web/reports.js: fmtSeconds, fmtPct, fmtNum). */
const round1 = (v: number) => Math.round(v * 10) / 10;
const fmt = {
  zh: {
    s: (v: number | null) =>
      v === null
        ? '–'
        : v < 100
          ? `${round1(v)} 秒`
          : v < 3600
            ? `${round1(v / 60)} 分钟`
            : `${round1(v / 3600)} 小时`,
    n: (v: number) => v.toLocaleString('zh-CN', { maximumFractionDigits: 0 }),
  },
  en: {
    s: (v: number | null) =>
      v === null
        ? '–'
        : v < 100
          ? `${round1(v)} s`
          : v < 3600
            ? `${round1(v / 60)} min`
            : `${round1(v / 3600)} h`,
    n: (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 0 }),
  },
};
const pct = (r: number | null) => (r === null ? '–' : `${round1(r * 100)}%`);

const kpiText = (page: Page, key: string) => page.locator(`[data-kpi="${key}"] .value`).textContent();

describe('reports dashboard in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let clock: Clock;
  let s: Scenario;
  let token: string;
  let evil: string;

  beforeAll(async () => {
    clock = new Clock(T0);
    app = await startTestApp('sqlite', { ADMIN_PASSWORD }, { clock: clock.fn });
    // Today through the real pipeline (customers write, the bot hands off, agents answer)…
    s = await seedDay(app, clock);
    // …and the two weeks before, written straight into the log, for trends worth looking at.
    evil = (
      await app.services.agents.create({
        login: 'dora',
        name: '<img src=x onerror=alert(1)>',
        password: 'password-123',
        level: 'regular',
      })
    ).id;
    await insertHistory(app, {
      start: Date.parse('2026-11-10T00:00:00+08:00'),
      days: 13,
      perDay: 600,
      agents: [
        { id: s.ann, weight: 4 },
        { id: s.bob, weight: 3 },
        { id: s.carl, weight: 2 },
        { id: evil, weight: 1 },
      ],
      seed: 11,
    });
    token = await login(app, 'admin', ADMIN_PASSWORD);
    const order = (customerId: string, orderId: string, at: number, amount: number) =>
      call(app, 'POST', '/api/orders', {
        token,
        body: { customerId, orderId, paidAt: new Date(at).toISOString(), amount },
      });
    expect((await order('c2', 'o-1', T0 + 900_000, 88)).status).toBe(201);
    expect((await order('c4', 'o-2', T0 + 950_000, 35.5)).status).toBe(201);
    browser = await launchBrowser();
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
      locale: 'zh-CN',
    });
    await context.addInitScript(() => localStorage.setItem('firstreply.reports.lang', 'zh'));
    page = await context.newPage();
    problems = watchPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('signs in and shows the same numbers as the API, in Chinese', async () => {
    await page.goto(`${app.url}/admin/reports`);
    await page.fill('input[name=login]', 'admin');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('.login .error').textContent()).toBe('登录名或密码错误。');
    // Chromium logs the refused login (401) as a console error: expected here, and only here.
    expect(problems.errors).toEqual([expect.stringContaining('401')]);
    problems.errors.length = 0;
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-kpi="conversations"] .value');
    expect(await page.evaluate(() => sessionStorage.getItem('firstreply.reports.token'))).toBeTruthy();

    // Default period: the last seven shop days up to today.
    const api = (await call(app, 'GET', '/api/reports/summary?groupBy=day', { token })).body;
    const o = api.report.overall;
    expect(api.groups.map((g: any) => g.key)).toEqual([
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
    ]);
    expect(await page.inputValue('#from')).toBe('2026-11-17');
    expect(await page.inputValue('#to')).toBe('2026-11-23');
    expect(o.conversations).toBeGreaterThan(500);
    const f = fmt.zh;
    expect(await kpiText(page, 'conversations')).toBe(f.n(o.conversations));
    expect(await kpiText(page, 'firstHuman')).toBe(f.s(o.firstHumanResponseSeconds.median));
    expect(await kpiText(page, 'average')).toBe(f.s(o.averageResponseSeconds));
    expect(await kpiText(page, 'reply30')).toBe(
      pct(o.roundReplyRates.find((r: any) => r.thresholdSeconds === 30).rate),
    );
    expect(await kpiText(page, 'replyRate')).toBe(pct(o.replyRate.rate));
    expect(await kpiText(page, 'conversion')).toBe(pct(api.conversion.rate));
    expect(await page.locator('[data-kpi="firstHuman"] .label').textContent()).toBe('首次人工响应（中位数）');

    // Per agent, per tier.
    for (const a of api.report.agents) {
      const row = page.locator(`#agents tr[data-agent-id="${a.agentId}"]`);
      expect(await row.locator('[data-col=name]').textContent()).toBe(api.agentNames[a.agentId].name);
      expect(await row.locator('[data-col=chatsServed]').textContent()).toBe(f.n(a.chatsServed));
      expect(await row.locator('[data-col=averageResponseSeconds]').textContent()).toBe(
        f.s(a.averageResponseSeconds),
      );
      expect(await row.locator('[data-col=overdue]').textContent()).toBe(f.n(a.overdue));
    }
    for (const t of api.report.tiers) {
      const row = page.locator(`#tiers tr[data-tier="${t.tier}"]`);
      expect(await row.locator('[data-col=conversations]').textContent()).toBe(f.n(t.conversations));
      expect(await row.locator('[data-col=firstReply]').textContent()).toBe(
        `${pct(t.firstReply.rate)} (${t.firstReply.within}/${t.firstReply.total})`,
      );
    }

    // Charts drawn by chart.js from the same figures.
    const trend = await page.evaluate(() => {
      const c = (window as any).Chart.getChart('trend-chart');
      return {
        labels: c.data.labels,
        median: c.data.datasets[0].data,
        conversations: c.data.datasets[2].data,
      };
    });
    expect(trend.labels).toEqual(api.groups.map((g: any) => g.key.slice(5)));
    expect(trend.median).toEqual(api.groups.map((g: any) => g.overall.firstHumanResponseSeconds.median));
    expect(trend.conversations).toEqual(api.groups.map((g: any) => g.overall.conversations));
    const staffing = await page.evaluate(
      () => (window as any).Chart.getChart('staffing-chart').data.datasets[1].data,
    );
    expect(staffing).toEqual(api.report.hours.map((x: any) => x.staffing.erlangC?.agents ?? 0));
    expect(await page.locator('#heatmap tbody tr').count()).toBe(8); // 7 weekdays + first response by hour

    // Live panel.
    const live = (await call(app, 'GET', '/api/reports/live', { token })).body;
    await page.waitForSelector('#live-today');
    expect(await page.locator('#live-queue .big').getAttribute('data-value')).toBe(String(live.queue.total));
    expect(await page.locator('#live-overdue .big').textContent()).toBe(f.n(live.overdue.count));
    expect(await page.locator('#live-today [data-field=conversations] span').nth(1).textContent()).toBe(
      f.n(live.today.conversations),
    );
    expect(await page.locator('#alert-state').textContent()).toBe(
      live.rolling.alert === 'raised' ? '告警中' : '正常',
    );
    // c6 and c8 still wait: the rolling median is over the threshold before any alert check ran.
    expect(live.rolling.above).toBe(true);
    expect(
      await page.locator('#live-today [data-field=rolling] [data-above]').getAttribute('data-above'),
    ).toBe('1');
    expect(problems.errors).toEqual([]);
  });

  it('shows data as text only: a name made of markup stays text', async () => {
    const cell = page.locator(`#agents tr[data-agent-id="${evil}"] [data-col=name]`);
    expect(await cell.textContent()).toBe('<img src=x onerror=alert(1)>');
    expect(await page.locator('#agents img').count()).toBe(0);
    expect(problems.dialogs).toEqual([]);
  });

  it('switches period and language, refreshes the live panel, downloads CSV', async () => {
    await page.click('#preset-today');
    const today = (await call(app, 'GET', '/api/reports/summary?from=2026-11-23&to=2026-11-24', { token }))
      .body.report.overall;
    await expect.poll(() => kpiText(page, 'conversations')).toBe(fmt.zh.n(today.conversations));
    expect(await page.inputValue('#from')).toBe('2026-11-23');

    await page.click('#lang');
    await expect
      .poll(() => page.locator('[data-kpi="firstHuman"] .label').textContent())
      .toBe('First human response (median)');
    expect(await kpiText(page, 'firstHuman')).toBe(fmt.en.s(today.firstHumanResponseSeconds.median));
    expect(await kpiText(page, 'average')).toBe(fmt.en.s(today.averageResponseSeconds));

    // A customer writes: within a refresh the live queue shows it.
    const p = pipeline(app);
    await p.status(s.ann, 'away');
    clock.now = T0 + 1300_000;
    await p.say('late', '人工');
    await expect
      .poll(() => page.locator('#live-queue .big').getAttribute('data-value'), { timeout: 12_000 })
      .toBe('1');
    expect(await page.locator('#live-queue li[data-tier=general]').getAttribute('data-count')).toBe('1');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv-summary')]);
    expect(download.suggestedFilename()).toBe('firstreply-summary-2026-11-23-2026-11-24.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    const direct = await call(app, 'GET', '/api/reports/summary.csv?from=2026-11-23&to=2026-11-24', {
      token,
    });
    expect(csv.replace(/^\uFEFF/, '')).toBe(direct.text);

    // Back to the last two weeks for the picture in the docs.
    await page.fill('#from', '2026-11-10');
    await page.fill('#to', '2026-11-23');
    await page.click('#apply');
    await expect
      .poll(() => page.evaluate(() => (window as any).Chart.getChart('trend-chart').data.labels.length))
      .toBe(14);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: 'docs/dashboard.png', fullPage: true });
    expect(problems.errors).toEqual([]);
    expect(problems.dialogs).toEqual([]);
  });
});
