import { describe, expect, it } from 'vitest';
import { type AgentView, pickAgent } from '../../src/routing/pick-agent';
import { defaultRoutingConfig, routingConfigSchema } from '../../src/routing/routing-config';
import { tierOf } from '../../src/routing/tier-of';

const agent = (id: string, over: Partial<AgentView> = {}): AgentView => ({
  id,
  name: id,
  level: 'regular',
  rank: 100,
  cap: 5,
  groups: [],
  test: false,
  status: 'online',
  active: 0,
  lastAssignedAt: null,
  ...over,
});
const config = defaultRoutingConfig();
const chat = { tier: 'general', group: 'general', excluded: [] as string[] };

describe('pickAgent', () => {
  it('fills the most skilled first, by rank within a level, each up to its cap', () => {
    const agents = [
      agent('t1', { level: 'trainee' }),
      agent('r2', { rank: 2 }),
      agent('s1', { level: 'senior' }),
      agent('r1', { rank: 1 }),
    ];
    const d = pickAgent(chat, agents, config);
    expect(d.agentId).toBe('s1');
    expect(d.next).toBe('r1');
    agents[2]!.active = 5;
    expect(pickAgent(chat, agents, config).agentId).toBe('r1');
  });

  it('explains why everyone else was passed over', () => {
    const agents = [
      agent('off', { status: 'offline' }),
      agent('away', { status: 'away' }),
      agent('tester', { test: true }),
      agent('full', { active: 5 }),
      agent('zero', { cap: 0 }),
      agent('trainee', { level: 'trainee' }),
      agent('pre', { groups: ['pre-sales'] }),
      agent('late'),
      agent('ok'),
    ];
    const d = pickAgent({ tier: 'urgent', group: 'general', excluded: ['late'] }, agents, config);
    expect(d.agentId).toBe('ok');
    const verdicts = Object.fromEntries(d.considered.map((c) => [c.agentId, c.verdict]));
    expect(verdicts).toEqual({
      ok: 'chosen',
      off: 'offline',
      away: 'away',
      tester: 'test-agent',
      full: 'at-cap',
      zero: 'cap-zero',
      trainee: 'outside-tier-window',
      pre: 'not-in-group',
      late: 'let-it-go-overdue',
    });
  });

  it('sends a returning customer back to their last agent when possible', () => {
    const agents = [agent('s', { level: 'senior' }), agent('r')];
    const d = pickAgent({ ...chat, lastAgentId: 'r' }, agents, config);
    expect(d).toMatchObject({ agentId: 'r', sticky: true, next: 's' });
    agents[1]!.active = 5;
    expect(pickAgent({ ...chat, lastAgentId: 'r' }, agents, config)).toMatchObject({
      agentId: 's',
      sticky: false,
    });
  });

  it('balances load within the most skilled level, oldest assignment first on ties', () => {
    const c = routingConfigSchema.parse({
      ...config,
      groups: { general: { strategy: 'balanced', sticky: false } },
    });
    const agents = [
      agent('a', { level: 'senior', active: 3 }),
      agent('b', { level: 'senior', active: 1, lastAssignedAt: 50 }),
      agent('c', { level: 'senior', active: 1, lastAssignedAt: 10 }),
      agent('r'),
    ];
    expect(pickAgent(chat, agents, c).agentId).toBe('c');
  });

  it('rotates round-robin by last assignment', () => {
    const c = routingConfigSchema.parse({
      ...config,
      groups: { general: { strategy: 'round-robin', sticky: false } },
    });
    const agents = [
      agent('a', { lastAssignedAt: 30 }),
      agent('b', { lastAssignedAt: 10, level: 'trainee' }),
      agent('c', { lastAssignedAt: 20 }),
    ];
    expect(pickAgent(chat, agents, c).agentId).toBe('b');
  });

  it('climbs levels for automatic transfers', () => {
    const agents = [agent('r'), agent('s', { level: 'senior' })];
    expect(pickAgent({ ...chat, minLevel: 'senior', excluded: ['s'] }, agents, config).agentId).toBeNull();
    expect(pickAgent({ ...chat, minLevel: 'senior' }, agents, config).agentId).toBe('s');
  });
});

describe('tierOf', () => {
  it('takes the most urgent claim and never lowers the tier', () => {
    expect(
      tierOf({ current: null, intentTier: 'general', compact: '你好', channel: 'web', vip: false }, config)
        .tier,
    ).toBe('general');
    expect(
      tierOf({ current: 'urgent', intentTier: 'complex', compact: '', channel: 'web', vip: false }, config)
        .tier,
    ).toBe('urgent');
    const r = tierOf(
      {
        current: 'general',
        intentTier: 'general',
        compact: '再不处理我就打12315',
        channel: 'web',
        vip: false,
      },
      config,
    );
    expect(r).toEqual({ tier: 'urgent', because: ['keyword:12315'] });
  });
});

describe('routing config validation', () => {
  it('names a missing tier, a negative cap and a transfer before overdue', () => {
    const bad = structuredClone(config) as any;
    bad.vipTier = 'platinum';
    bad.levels.trainee.cap = -1;
    bad.tiers[0].transferAfterSeconds = 10;
    const r = routingConfigSchema.safeParse(bad);
    const issues = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(expect.arrayContaining(['levels.trainee.cap: a cap cannot be below 0']));
    // Cross-field checks run once the fields themselves are valid.
    bad.levels.trainee.cap = 1;
    const r2 = routingConfigSchema
      .safeParse(bad)
      .error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(r2).toEqual(
      expect.arrayContaining([
        'vipTier: tier "platinum" is referenced but not defined',
        'tiers.0.transferAfterSeconds: must not be earlier than overdueAfterSeconds',
      ]),
    );
  });
});
