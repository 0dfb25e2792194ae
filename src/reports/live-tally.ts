import { addDays, localTime, zonedInstant } from '../calendar/time-zone';
import type { CompiledContent } from '../content/live-content';
import { prepareConversations } from '../reporting/conversations';
import { firstResponseOf, type ResponseSummary } from '../reporting/first-response';
import { segmentRounds } from '../reporting/rounds';
import { percentileOfSorted, sortedCopy, summarizeMs, toSecondsOrNull } from '../reporting/stats';
import type { SpamRules } from '../shop/settings';
import type { Logger } from '../shared/log';
import {
  addRow,
  eventColumns,
  finishEvents,
  isSpam,
  type LoadedConversation,
  loadConversations,
  loadConversationsById,
  isMapped,
  rulesActive,
} from './events-from-db';
import type { Database } from '../store/database';
import { Pacer } from './pacer';
import type { ReportDb } from './report-tables';

/** What the live figures need from one conversation, computed by the engine's own functions. */
interface Derived {
  startAt: number;
  awaitsHuman: boolean;
  firstReplyAt: number | null;
  firstHumanAt: number | null;
  closed: boolean;
  /** Human rounds: start, and the agent reply that closed it (null: none yet). */
  rounds: { startAt: number; answeredAt: number | null }[];
}

interface Entry {
  conversation: LoadedConversation;
  /** null: not measured (spam, test chat, no customer message). */
  derived: Derived | null;
  dirty: boolean;
  lastAt: number;
}

export interface TodayFigures {
  /** Shop-local date and its start. */
  date: string;
  from: string;
  conversations: number;
  conversationsAwaitingHuman: number;
  resolvedByBot: number;
  firstResponseSeconds: ResponseSummary;
  firstHumanResponseSeconds: ResponseSummary;
  averageResponseSeconds: number | null;
  replies: number;
  unansweredRounds: number;
}

export interface RollingFigures {
  windowMinutes: number;
  /** First human responses given in the window, plus the waits so far of chats still waiting. */
  samples: number;
  answered: number;
  waiting: number;
  medianSeconds: number | null;
  meanSeconds: number | null;
}

export interface LiveTallyDeps {
  database: Database;
  db: ReportDb;
  dialect: 'sqlite' | 'postgres';
  config: { readonly current: CompiledContent };
  log: Logger;
  /** Longest stretch of a refresh before the event loop gets a turn (pacer.ts; the first one loads a day). */
  sliceMs?: number;
}

const DAY_MS = 86_400_000;
const POLL_BATCH = 5000;
/** PostgreSQL hands out `seq` before commit: re-read this many below the watermark, skipping seen ones. */
const PG_OVERLAP = 1000;
/** Chats waiting longer than this are not counted as "still waiting" in the rolling figure (abandoned). */
const WAITING_HORIZON_MS = DAY_MS;

/**
 * Today's running figures and the rolling first-response time, kept incrementally: the
 * conversations active in the last day are held in memory as engine events; each refresh reads only
 * the events logged since the last one (by `seq`), recomputes just the conversations they touched,
 * and sums up. The figures are the engine's (the same functions over the same events), so today's
 * numbers here equal a summary report for today — a test checks that.
 */
export class LiveTally {
  private readonly entries = new Map<string, Entry>();
  private watermark = -1;
  private readonly seen = new Set<number>();
  private rules: SpamRules | undefined;
  /** The spam rules as text: a new configuration version with the same rules keeps the tally. */
  private rulesKey = '';
  private zone = '';
  private testKey = '';
  private testAgentIds: string[] = [];
  private flagsPolledAt = 0;
  private busy: Promise<void> | undefined;
  private scopeFrom = 0;

  constructor(private readonly deps: LiveTallyDeps) {}

  get size(): number {
    return this.entries.size;
  }

  /** Brings the tally up to the log. Single-flight: callers during a refresh share it. */
  refresh(now: number): Promise<void> {
    this.busy ??= this.run(now).finally(() => {
      this.busy = undefined;
    });
    return this.busy;
  }

  private windowMs(): number {
    return this.deps.config.current.settings.alerts.windowMinutes * 60_000;
  }

  private scopeStart(now: number): number {
    const tz = this.deps.config.current.settings.calendar.timezone;
    const dayStart = zonedInstant(localTime(now, tz).date, 0, tz);
    return Math.min(dayStart, now - WAITING_HORIZON_MS - this.windowMs());
  }

  private async run(now: number): Promise<void> {
    const pacer = new Pacer(this.deps.sliceMs);
    const settings = this.deps.config.current.settings;
    const agents = await this.deps.db.selectFrom('agents').select(['id', 'test']).execute();
    const testAgentIds = agents
      .filter((a) => Number(a.test) === 1)
      .map((a) => a.id)
      .sort();
    const testKey = testAgentIds.join(',');
    if (testKey !== this.testKey) {
      this.testKey = testKey;
      this.testAgentIds = testAgentIds;
      for (const e of this.entries.values()) e.dirty = true;
    }
    const rulesKey = JSON.stringify(settings.spam);
    if (this.watermark < 0 || rulesKey !== this.rulesKey || settings.calendar.timezone !== this.zone) {
      this.rulesKey = rulesKey;
      await this.init(now, settings.spam, settings.calendar.timezone, pacer);
    } else {
      await this.poll();
      await this.pollFlags(now);
      this.evict(now);
    }
    for (const e of this.entries.values()) {
      if (!e.dirty) continue;
      e.derived = derive(e.conversation, this.testAgentIds);
      e.dirty = false;
      if (pacer.due()) await pacer.turn();
    }
  }

  /** Loads every conversation with a customer message since the scope start, whole. */
  private async init(now: number, rules: SpamRules, zone: string, pacer: Pacer): Promise<void> {
    this.entries.clear();
    this.seen.clear();
    this.rules = rules;
    this.zone = zone;
    const max = await this.deps.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    const watermark = Number(max?.seq ?? 0);
    this.scopeFrom = this.scopeStart(now);
    const { conversations } = await loadConversations(this.deps.database, {
      from: this.scopeFrom,
      to: now + 1,
      spamRules: rules,
      withIds: true,
      pacer,
    });
    for (const c of conversations.values()) {
      if (pacer.due()) await pacer.turn();
      this.entries.set(c.id, { conversation: c, derived: null, dirty: true, lastAt: lastAtOf(c) });
      // PostgreSQL polls re-read the last sequence numbers: what was just loaded is not new.
      if (this.deps.database.dialect === 'postgres') {
        for (const e of c.events) {
          const seq = Number(e.eventId);
          if (seq > watermark - PG_OVERLAP) this.seen.add(seq);
        }
      }
    }
    this.watermark = watermark;
    this.flagsPolledAt = now;
  }

  /** Events logged since the last refresh, in `seq` order. */
  private async poll(): Promise<void> {
    const rules = rulesActive(this.rules);
    const pg = this.deps.dialect === 'postgres';
    for (;;) {
      const after = pg ? this.watermark - PG_OVERLAP : this.watermark;
      const rows = await eventColumns(this.deps.db, rules !== undefined)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(POLL_BATCH)
        .execute();
      const unknown = new Set<string>();
      let fresh = 0;
      for (const row of rows) {
        const seq = Number(row.seq);
        if (pg) {
          if (this.seen.has(seq) || seq <= after) continue;
          this.seen.add(seq);
        }
        fresh++;
        if (seq > this.watermark) this.watermark = seq;
        if (row.conversation_id === '') continue;
        const entry = this.entries.get(row.conversation_id);
        if (entry) {
          if (addRow(entry.conversation, { ...row, seq }, rules, true)) {
            entry.dirty = true;
            entry.lastAt = Math.max(entry.lastAt, Number(row.at));
          }
        } else if (isMapped(row.type) && row.type !== 'conversation.closed') {
          unknown.add(row.conversation_id);
        }
      }
      if (unknown.size) {
        // A conversation new to the tally is read whole (its earlier events are context).
        const loaded = await loadConversationsById(this.deps.database, [...unknown], this.rules, true);
        await this.flagsFor(loaded);
        for (const c of loaded.values())
          this.entries.set(c.id, { conversation: c, derived: null, dirty: true, lastAt: lastAtOf(c) });
      }
      if (pg && this.seen.size > 4 * PG_OVERLAP) {
        for (const s of this.seen) if (s <= this.watermark - PG_OVERLAP) this.seen.delete(s);
      }
      if (rows.length < POLL_BATCH || fresh === 0) break;
    }
  }

  private async flagsFor(loaded: Map<string, LoadedConversation>): Promise<void> {
    const ids = [...loaded.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const flags = await this.deps.db
        .selectFrom('report_flags')
        .select(['conversation_id', 'spam'])
        .where('conversation_id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const f of flags) loaded.get(f.conversation_id)!.manualSpam = Number(f.spam) === 1;
    }
  }

  /** Spam flags set since the last look (a few seconds of overlap for clocks of other instances). */
  private async pollFlags(now: number): Promise<void> {
    const flags = await this.deps.db
      .selectFrom('report_flags')
      .select(['conversation_id', 'spam'])
      .where('at', '>=', this.flagsPolledAt - 5000)
      .execute();
    this.flagsPolledAt = now;
    for (const f of flags) {
      const e = this.entries.get(f.conversation_id);
      const spam = Number(f.spam) === 1;
      if (e && e.conversation.manualSpam !== spam) {
        e.conversation.manualSpam = spam;
        e.dirty = true;
      }
    }
  }

  /** Conversations quiet since before the scope are dropped (read again whole if they wake up). */
  private evict(now: number): void {
    const scope = this.scopeStart(now);
    if (scope - this.scopeFrom < 60_000) return;
    this.scopeFrom = scope;
    for (const [id, e] of this.entries) {
      if (e.lastAt < scope && (e.derived === null || e.derived.startAt < scope)) this.entries.delete(id);
    }
  }

  /** Today's figures so far (shop-local day), exactly as the engine computes them for today. */
  today(now: number): TodayFigures {
    const tz = this.deps.config.current.settings.calendar.timezone;
    const date = localTime(now, tz).date;
    const from = zonedInstant(date, 0, tz);
    const to = zonedInstant(addDays(date, 1), 0, tz);
    const anyMs: number[] = [];
    const humanMs: number[] = [];
    let unansweredAny = 0;
    let unansweredHuman = 0;
    let resolvedByBot = 0;
    let conversations = 0;
    let awaiting = 0;
    let replies = 0;
    let sum = 0;
    let unansweredRounds = 0;
    for (const { derived: d } of this.entries.values()) {
      if (d === null) continue;
      if (d.startAt >= from && d.startAt < to) {
        conversations++;
        if (d.firstReplyAt === null) unansweredAny++;
        else anyMs.push(d.firstReplyAt - d.startAt);
        if (!d.awaitsHuman) resolvedByBot++;
        else {
          awaiting++;
          if (d.firstHumanAt === null) unansweredHuman++;
          else humanMs.push(d.firstHumanAt - d.startAt);
        }
      }
      for (const r of d.rounds) {
        if (r.startAt < from || r.startAt >= to) continue;
        if (r.answeredAt === null) unansweredRounds++;
        else {
          replies++;
          sum += r.answeredAt - r.startAt;
        }
      }
    }
    return {
      date,
      from: new Date(from).toISOString(),
      conversations,
      conversationsAwaitingHuman: awaiting,
      resolvedByBot,
      firstResponseSeconds: { ...summarizeMs(anyMs), unanswered: unansweredAny },
      firstHumanResponseSeconds: { ...summarizeMs(humanMs), unanswered: unansweredHuman },
      averageResponseSeconds: toSecondsOrNull(replies ? sum / replies : null),
      replies,
      unansweredRounds,
    };
  }

  /**
   * Rolling first human response: the first human replies given in the last `windowMs`, plus, for
   * chats still waiting for one (started in the last day, not closed), the wait so far. A wait so
   * far is a lower bound of the response it will get, so a median above the threshold is a real
   * breach, never an artefact of counting waits early.
   */
  rolling(now: number, windowMs: number = this.windowMs()): RollingFigures {
    const values: number[] = [];
    let answered = 0;
    let waiting = 0;
    for (const { derived: d } of this.entries.values()) {
      if (d === null || !d.awaitsHuman || d.startAt > now) continue;
      if (d.firstHumanAt !== null) {
        if (d.firstHumanAt > now - windowMs && d.firstHumanAt <= now) {
          values.push(d.firstHumanAt - d.startAt);
          answered++;
        }
      } else if (!d.closed && d.startAt >= now - WAITING_HORIZON_MS) {
        values.push(now - d.startAt);
        waiting++;
      }
    }
    const sorted = sortedCopy(values);
    let total = 0;
    for (const v of sorted) total += v;
    return {
      windowMinutes: Math.round(windowMs / 60_000),
      samples: sorted.length,
      answered,
      waiting,
      medianSeconds: toSecondsOrNull(percentileOfSorted(sorted, 0.5)),
      meanSeconds: toSecondsOrNull(sorted.length ? total / sorted.length : null),
    };
  }
}

function lastAtOf(c: LoadedConversation): number {
  let last = 0;
  for (const e of c.events) if (e.at > last) last = e.at;
  for (const g of c.groupTransfers ?? []) if (g.at > last) last = g.at;
  return last;
}

/** The engine's view of one conversation: exclusions, first response, rounds. */
function derive(c: LoadedConversation, testAgentIds: readonly string[]): Derived | null {
  if (isSpam(c)) return null;
  const events = finishEvents(c);
  const prepared = prepareConversations(events, {
    testAgentIds,
    tierNames: new Set(c.tier ? [c.tier] : []),
    defaultTier: c.tier ?? 'general',
  });
  const conversation = prepared.conversations[0];
  if (!conversation) return null;
  const facts = firstResponseOf(conversation);
  return {
    startAt: facts.startAt,
    awaitsHuman: facts.awaitsHuman,
    firstReplyAt: facts.firstReplyAt,
    firstHumanAt: facts.firstHumanAt,
    closed: conversation.events.some((e) => e.kind === 'closed'),
    rounds: segmentRounds(conversation.events, false).map((r) => ({
      startAt: r.startAt,
      answeredAt: r.answeredBy === 'agent' ? r.answeredAt : null,
    })),
  };
}
