import { z } from 'zod';

/**
 * The one input the metrics engine reads. Live storage maps its rows onto this and the import
 * CLI parses JSON lines into it, so both are measured by exactly the same code.
 *
 * A conversation is a run of events sharing `conversationId`. Besides messages, the routing
 * side emits a few facts the response metrics need: the bot's hand-off to a human queue,
 * the assignment to an agent, transfers, overdue escalations and closing. Imported logs often
 * lack them; then the figures that depend on them (first response from hand-off, reaction
 * time, transfers, overdue) are simply empty.
 */
export const reportEventKinds = ['message', 'handoff', 'assigned', 'transfer', 'overdue', 'closed'] as const;
export type ReportEventKind = (typeof reportEventKinds)[number];

/** Attribution of an agent message that lacks `agentId` (the import schema rejects those lines). */
export const UNKNOWN_AGENT = '(unknown)';

export const senders = ['customer', 'agent', 'bot'] as const;
export type Sender = (typeof senders)[number];

/** Messages name no field: the line reporter prefixes the path (`agentId: is required …`). */
const required = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${expected}`;
const nonEmpty = () => z.string({ error: required('a string') }).min(1, 'must not be empty');

const eventFields = {
  /** Id of the event; repeated within a conversation it counts once (re-imports, at-least-once delivery). */
  eventId: nonEmpty().optional(),
  conversationId: nonEmpty(),
  /** The shop customer (consumer) the conversation is with; daily rates count customers by it. */
  customerId: nonEmpty(),
  /** Defaults to `message`. */
  kind: z.enum(reportEventKinds, { error: `must be one of ${reportEventKinds.join(', ')}` }).optional(),
  /** Who sent a message. Required for messages; ignored on the other kinds. */
  from: z.enum(senders, { error: `must be one of ${senders.join(', ')}` }).optional(),
  /** Sender of an agent message; target agent of `assigned` / `transfer`; agent an `overdue` is charged to. */
  agentId: nonEmpty().optional(),
  /** `transfer` only: the agent handing the chat over (else: whoever held it). */
  fromAgentId: nonEmpty().optional(),
  text: z.string({ error: 'must be a string' }).optional(),
  channel: z.string({ error: 'must be a string' }).optional(),
  /** Urgency tier (urgent / general / complex …); the last one given in a conversation wins. */
  tier: nonEmpty().optional(),
  /** Any spam-flagged event removes its whole conversation from every metric. */
  spam: z.boolean({ error: 'must be true or false' }).optional(),
  /** The agent on this event is a tester / trainee account: kept out of every metric. */
  testAgent: z.boolean({ error: 'must be true or false' }).optional(),
};

type EventShape = {
  kind?: ReportEventKind | undefined;
  from?: Sender | undefined;
  agentId?: string | undefined;
  fromAgentId?: string | undefined;
};

/** Rules that span fields; shared by the in-memory schema and the import-line schema. */
function checkEventConsistency(e: EventShape, ctx: z.RefinementCtx): void {
  const kind = e.kind ?? 'message';
  if (kind === 'message') {
    if (e.from === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: 'is required for messages (customer, agent or bot)',
      });
    } else if (e.from === 'agent' && e.agentId === undefined) {
      // Without it the reply cannot be attributed, and guessing would skew per-agent figures.
      ctx.addIssue({ code: 'custom', path: ['agentId'], message: 'is required for agent messages' });
    } else if (e.from === 'customer' && e.agentId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['agentId'], message: 'is not allowed on a customer message' });
    }
  }
  if ((kind === 'assigned' || kind === 'transfer') && e.agentId === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['agentId'],
      message: `is required for ${kind} events (the receiving agent)`,
    });
  }
  if (e.fromAgentId !== undefined && kind !== 'transfer') {
    ctx.addIssue({ code: 'custom', path: ['fromAgentId'], message: 'is only for transfer events' });
  }
}

/** An event as the engine reads it: `at` is ms since the epoch (time is data, never `Date.now()`). */
export const ReportEventSchema = z
  .object({
    ...eventFields,
    at: z.number({ error: required('a number of ms since the epoch') }).int('must be whole milliseconds'),
  })
  .superRefine(checkEventConsistency);
export type ReportEvent = z.infer<typeof ReportEventSchema>;

/**
 * One line of an imported JSONL log. `at` must carry an explicit offset (`Z` or `+08:00`):
 * a bare local time is ambiguous across shops and DST, so it is rejected rather than guessed.
 */
export const ReportEventLineSchema = z
  .object({
    ...eventFields,
    at: z
      .string({ error: required('an ISO-8601 date-time string') })
      .pipe(
        z.iso.datetime({
          offset: true,
          error: 'must be an ISO-8601 date-time with seconds and an offset, e.g. 2024-06-01T10:00:00+08:00',
        }),
      )
      .transform((s, ctx) => {
        const ms = Date.parse(s);
        if (!Number.isFinite(ms)) {
          ctx.addIssue({ code: 'custom', message: `is not a real date-time: ${s}` });
          return z.NEVER;
        }
        return ms;
      }),
  })
  .superRefine(checkEventConsistency);
export type ReportEventLine = z.input<typeof ReportEventLineSchema>;

/** Agent online interval (presence), for chats per online hour. */
export const AgentOnlineIntervalSchema = z
  .object({
    agentId: nonEmpty(),
    from: z.number().int(),
    to: z.number().int(),
  })
  .refine((i) => i.to > i.from, { message: 'must be after from', path: ['to'] });
export type AgentOnlineInterval = z.infer<typeof AgentOnlineIntervalSchema>;
