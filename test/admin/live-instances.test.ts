import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices, type Services } from '../../src/services';
import { createLogger } from '../../src/shared/log';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import { ADMIN_PASSWORD, call, login } from '../workspace/helpers';

/** A change published through one instance is used by another instance's next message within a second. */
describe.each(storageKinds())('live on every instance (%s)', (kind) => {
  let a: TestApp;
  let b: Services;

  beforeAll(async () => {
    a = await startTestApp(kind, { ADMIN_PASSWORD });
    const pg = a.services.database.pg;
    b = await buildServices({
      // Same data directory / database (and schema) as A: a second server process in all but the process.
      env: a.services.env,
      log: createLogger('silent'),
      ...(pg ? { pgSchema: pg.schema } : {}),
    });
    b.start();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const askB = async () =>
    (
      await b.handleMessage({ channel: 'api', customerId: `c${Math.random()}`, text: '什么时候发货' })
    ).replies.at(-1)?.text;

  it('instance B answers with the text published on instance A within a second, without a restart', async () => {
    const token = await login(a, 'admin', ADMIN_PASSWORD);
    const before = await askB();
    const published = Date.now();
    const r = await call(a, 'PUT', '/api/admin/replies/shipping-time', {
      token,
      body: {
        baseVersion: a.services.config.current.version,
        reply: { id: 'shipping-time', text: { zh: ['B 也知道了。'] } },
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(before).not.toBe('B 也知道了。');
    await expect.poll(askB, { timeout: 1200, interval: 25 }).toBe('B 也知道了。');
    expect(Date.now() - published).toBeLessThan(1200);
    expect(b.config.current.version).toBe(r.body.version);

    // An edit based on what B shows is accepted by A (it catches up before comparing versions).
    const r2 = await call(a, 'PUT', '/api/admin/replies/shipping-time', {
      token,
      body: {
        baseVersion: b.config.current.version,
        reply: { id: 'shipping-time', text: { zh: ['第二次。'] } },
      },
    });
    expect(r2.status).toBe(200);
  });
});
