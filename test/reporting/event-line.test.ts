import { describe, expect, it } from 'vitest';
import { parseEventLine, parsePresenceLine } from '../../src/reporting/event-line';

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    conversationId: 'c1',
    customerId: 'u1',
    from: 'customer',
    at: '2024-06-03T10:00:00+08:00',
    ...fields,
  });

describe('parseEventLine', () => {
  it('when the line is a valid customer message, then at becomes ms since the epoch and unknown fields are dropped', () => {
    const r = parseEventLine(line({ text: '在吗?', shopName: 'ignored' }));

    expect(r).toEqual({
      ok: true,
      value: {
        conversationId: 'c1',
        customerId: 'u1',
        from: 'customer',
        at: Date.parse('2024-06-03T02:00:00Z'),
        text: '在吗?',
      },
    });
  });

  it('when at has no offset, then the line is rejected naming the field', () => {
    const r = parseEventLine(line({ at: '2024-06-03T10:00:00' }));

    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^at: must be an ISO-8601 date-time with seconds and an offset/);
  });

  it('when at is Z or has fractional seconds, then it is accepted', () => {
    const z = parseEventLine(line({ at: '2024-06-03T02:00:00.250Z' }));
    expect(z.ok && z.value.at).toBe(Date.parse('2024-06-03T02:00:00.250Z'));
  });

  it('when an agent message has no agentId, then the line is rejected', () => {
    const r = parseEventLine(line({ from: 'agent' }));

    expect(r).toEqual({ ok: false, reason: 'agentId: is required for agent messages' });
  });

  it('when assigned or transfer events name no agent, then they are rejected; a hand-off needs no sender', () => {
    expect(parseEventLine(line({ kind: 'assigned', from: undefined }))).toMatchObject({
      ok: false,
      reason: /agentId: is required for assigned/,
    });
    expect(parseEventLine(line({ kind: 'handoff', from: undefined }))).toMatchObject({
      ok: true,
      value: { kind: 'handoff' },
    });
  });

  it('when fields are missing or mistyped, then every issue is named', () => {
    const r = parseEventLine(JSON.stringify({ customerId: 'u1', from: 'robot', at: 5 }));

    expect(r.ok).toBe(false);
    const reason = r.ok ? '' : r.reason;
    expect(reason).toContain('conversationId: is required');
    expect(reason).toContain('from: must be one of customer, agent, bot');
    expect(reason).toContain('at: must be an ISO-8601 date-time string');
  });

  it('when the line is not a JSON object, then it says so', () => {
    expect(parseEventLine('{"conversationId":')).toMatchObject({ ok: false, reason: /^invalid JSON/ });
    expect(parseEventLine('[1,2]')).toEqual({ ok: false, reason: 'expected one JSON object per line' });
  });

  it('when a date does not exist, then it is rejected', () => {
    expect(parseEventLine(line({ at: '2024-02-30T10:00:00+08:00' })).ok).toBe(false);
  });
});

describe('parsePresenceLine', () => {
  it('when an interval is valid, then it is parsed; when it ends before it starts, then it is rejected', () => {
    expect(
      parsePresenceLine(
        '{"agentId":"a","from":"2024-06-03T09:00:00+08:00","to":"2024-06-03T18:00:00+08:00"}',
      ),
    ).toEqual({
      ok: true,
      value: {
        agentId: 'a',
        from: Date.parse('2024-06-03T01:00:00Z'),
        to: Date.parse('2024-06-03T10:00:00Z'),
      },
    });
    expect(
      parsePresenceLine(
        '{"agentId":"a","from":"2024-06-03T18:00:00+08:00","to":"2024-06-03T09:00:00+08:00"}',
      ),
    ).toEqual({
      ok: false,
      reason: 'to: must be after from',
    });
  });
});
