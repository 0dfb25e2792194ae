import { z } from 'zod';

/**
 * Routing rules as data (editable by admins, stored in the database): tiers with their deadlines,
 * agent levels with default caps and tier windows, per-group strategy, escalation.
 */

export const levelIds = ['trainee', 'regular', 'senior', 'lead', 'supervisor'] as const;
export type Level = (typeof levelIds)[number];
/** Experience order: skilled-first fills from the top, automatic transfers climb it. */
export const LEVEL_ORDER: Record<Level, number> = {
  trainee: 0,
  regular: 1,
  senior: 2,
  lead: 3,
  supervisor: 4,
};

const seconds = z
  .number()
  .min(1)
  .max(7 * 24 * 3600);

export const tierSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'tier ids are lowercase words'),
  /** Higher = more urgent; a customer message can raise a chat's tier, never lower it. */
  rank: z.number().int().min(0).max(100),
  firstReplySeconds: seconds,
  replySeconds: seconds,
  /** Unanswered customer message older than this: the chat turns red. */
  overdueAfterSeconds: seconds,
  /** … older than this: transferred automatically to another agent. */
  transferAfterSeconds: seconds,
  complianceTarget: z.number().min(0).max(1),
  /** Head start in the queue: waiting chats age, so no tier starves. */
  queueBoostSeconds: z
    .number()
    .min(0)
    .max(24 * 3600)
    .default(0),
});
export type Tier = z.infer<typeof tierSchema>;

export const levelPolicySchema = z.strictObject({
  /** Default cap on simultaneous chats for agents of this level (0 = receives none). */
  cap: z.number().int().min(0, 'a cap cannot be below 0').max(200),
  /** Tiers this level may receive. */
  tiers: z.array(z.string()).min(0),
});

export const strategies = ['skilled-first', 'balanced', 'round-robin'] as const;
export const groupPolicySchema = z.strictObject({
  strategy: z.enum(strategies).default('skilled-first'),
  /** A returning customer goes back to their last agent when that agent is online and under cap. */
  sticky: z.boolean().default(true),
});

export const routingConfigSchema = z
  .strictObject({
    tiers: z.array(tierSchema).min(1),
    levels: z.strictObject({
      trainee: levelPolicySchema,
      regular: levelPolicySchema,
      senior: levelPolicySchema,
      lead: levelPolicySchema,
      supervisor: levelPolicySchema,
    }),
    groups: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), groupPolicySchema),
    defaultGroup: z.string(),
    /** Words that make a chat urgent whatever the intent (e.g. 12315, 投诉, 律师). */
    escalationKeywords: z.array(z.string().min(1)).default([]),
    escalationTier: z.string(),
    /** VIP customers start at least at this tier. */
    vipTier: z.string(),
    /** Channels that start at least at a tier (e.g. a shop's app chat). */
    channelTiers: z.record(z.string(), z.string()).default({}),
    /** How many automatic transfers one chat may take. */
    maxTransferHops: z.number().int().min(0).max(10).default(2),
    /** A chat waiting on the customer longer than this frees the agent's slot. */
    onHoldAfterSeconds: seconds.default(600),
    /** After this many overdue chats in a row an agent is set away (0 = never). */
    awayAfterOverdueInRow: z.number().int().min(0).max(100).default(3),
    /** An agent whose connection dropped longer than this is treated as offline. */
    disconnectGraceSeconds: seconds.default(60),
  })
  .superRefine((c, ctx) => {
    const tiers = new Set(c.tiers.map((t) => t.id));
    const need = (tier: string, path: (string | number)[]) => {
      if (!tiers.has(tier))
        ctx.addIssue({ code: 'custom', path, message: `tier "${tier}" is referenced but not defined` });
    };
    need(c.escalationTier, ['escalationTier']);
    need(c.vipTier, ['vipTier']);
    for (const [ch, t] of Object.entries(c.channelTiers)) need(t, ['channelTiers', ch]);
    for (const lvl of Object.keys(c.levels) as Level[]) {
      c.levels[lvl].tiers.forEach((t, i) => {
        need(t, ['levels', lvl, 'tiers', i]);
      });
    }
    if (!c.groups[c.defaultGroup])
      ctx.addIssue({
        code: 'custom',
        path: ['defaultGroup'],
        message: `group "${c.defaultGroup}" is not defined`,
      });
    c.tiers.forEach((t, i) => {
      if (t.transferAfterSeconds < t.overdueAfterSeconds) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', i, 'transferAfterSeconds'],
          message: 'must not be earlier than overdueAfterSeconds',
        });
      }
    });
  });
export type RoutingConfig = z.infer<typeof routingConfigSchema>;

export const defaultRoutingConfig = (): RoutingConfig =>
  routingConfigSchema.parse({
    tiers: [
      // Refunds, complaints, failed payments: Tmall asks for 30 s; 90 % compliance.
      {
        id: 'urgent',
        rank: 3,
        firstReplySeconds: 30,
        replySeconds: 60,
        overdueAfterSeconds: 30,
        transferAfterSeconds: 90,
        complianceTarget: 0.9,
        queueBoostSeconds: 600,
      },
      // Product, order, logistics questions: 5 minutes; 80 %.
      {
        id: 'general',
        rank: 2,
        firstReplySeconds: 300,
        replySeconds: 300,
        overdueAfterSeconds: 300,
        transferAfterSeconds: 600,
        complianceTarget: 0.8,
        queueBoostSeconds: 0,
      },
      // After-sales disputes, technical problems: a first reply with a plan within 30 minutes.
      {
        id: 'complex',
        rank: 1,
        firstReplySeconds: 1800,
        replySeconds: 1800,
        overdueAfterSeconds: 1800,
        transferAfterSeconds: 2700,
        complianceTarget: 0.8,
        queueBoostSeconds: 0,
      },
    ],
    levels: {
      trainee: { cap: 5, tiers: ['general', 'complex'] },
      regular: { cap: 8, tiers: ['urgent', 'general', 'complex'] },
      senior: { cap: 10, tiers: ['urgent', 'general', 'complex'] },
      lead: { cap: 6, tiers: ['urgent', 'general', 'complex'] },
      // Supervisors supervise: cap 0 receives no chats until an admin gives them one.
      supervisor: { cap: 0, tiers: ['urgent', 'general', 'complex'] },
    },
    groups: { general: { strategy: 'skilled-first', sticky: true } },
    defaultGroup: 'general',
    escalationKeywords: ['12315', '消协', '工商', '律师', '起诉', '曝光'],
    escalationTier: 'urgent',
    vipTier: 'general',
    channelTiers: {},
  });

export function tierById(config: RoutingConfig, id: string | null | undefined): Tier {
  return (
    config.tiers.find((t) => t.id === id) ?? config.tiers.find((t) => t.id === 'general') ?? config.tiers[0]!
  );
}
