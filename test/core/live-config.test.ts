import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';

describe.each(storageKinds())('versioned live configuration on %s', (kind) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp(kind);
  });
  afterEach(async () => app.close());

  const edited = (text: string) => {
    const doc = structuredClone(app.services.config.current.document);
    doc.replies.find((r) => r.id === 'shipping-time')!.text.zh = [text];
    return doc;
  };
  const ask = async () =>
    (
      await app.post('/api/messages', { customerId: `c${Math.random()}`, text: '什么时候发货' })
    ).body.replies.at(-1).text;

  it('seeds version 1 from the files, and the next message uses a published change', async () => {
    const live = app.services.config;
    expect(live.current.version).toBe(1);
    const r = await live.publish(edited('今天下午四点前付款今天发。'), 1, 'admin', 'faster shipping text');
    expect(r).toMatchObject({ ok: true, version: 2 });
    if (r.ok) expect(r.diff.map((d) => d.path)).toEqual(['replies.shipping-time.text.zh']);
    expect(await ask()).toBe('今天下午四点前付款今天发。');
  });

  it('refuses an edit based on a stale version (409) and an invalid one (422), changing nothing', async () => {
    const live = app.services.config;
    await live.publish(edited('A'), 1, 'alice', null);
    expect(await live.publish(edited('B'), 1, 'bob', null)).toMatchObject({ ok: false, status: 409 });
    const bad = edited('{{price}} 元');
    const r = await live.publish(bad, 2, 'bob', null);
    expect(r).toMatchObject({ ok: false, status: 422 });
    if (!r.ok && r.status === 422)
      expect(r.issues[0]!.message).toContain('unknown template variable {{price}}');
    expect(live.current.version).toBe(2);
    expect(await ask()).toBe('A');
  });

  it('uses the hours of the group a hand-off goes to', async () => {
    // 10:00 in Shanghai: the shop is open, the general group (closed all week) is not.
    const morning = await startTestApp(kind, {}, { clock: () => Date.parse('2026-11-23T10:00:00+08:00') });
    try {
      const ask = async (id: string) =>
        (await morning.post('/api/messages', { customerId: id, text: '人工' })).body.replies.map(
          (x: { kind: string }) => x.kind,
        );
      expect(await ask('g0')).toContain('handoff');
      const live = morning.services.config;
      const doc = structuredClone(live.current.document);
      const closed = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
      doc.shop.groupCalendars = { general: { ...doc.shop.calendar, weekly: closed } };
      expect(await live.publish(doc, 1, 'admin', 'general group closed')).toMatchObject({ ok: true });
      const kinds = await ask('g1');
      expect(kinds).toContain('away');
      expect(kinds).not.toContain('handoff');
    } finally {
      await morning.close();
    }
  });

  it('restores an earlier version as a new version', async () => {
    const live = app.services.config;
    const original = await ask();
    await live.publish(edited('changed'), 1, 'admin', null);
    const r = await live.restore(1, 2, 'admin');
    expect(r).toMatchObject({ ok: true, version: 3 });
    expect([original, '付款后48小时内发货。', '一般48小时内发出哦。']).toContain(await ask());
    expect(await live.restore(99, 3, 'admin')).toBeUndefined();
  });
});
