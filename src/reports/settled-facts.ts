import { createHash } from 'node:crypto';
import { measureConversations } from '../reporting/conversation-facts';
import type { Logger } from '../shared/log';
import type { SpamRules } from '../shop/settings';
import type { Database } from '../store/database';
import { type ColumnBlock, decodeBlock, encodeBlock, type SettledConversation } from './facts-codec';
import { copyRowsBinary } from './pg-copy';
import { rowHasCustomerMessageIn, StringIds } from '../reporting/fact-columns';
import {
  conversationsStartedIn,
  finishEvents,
  type LoadedConversation,
  loadConversationsWhole,
  rulesActive,
} from './events-from-db';
import { Pacer } from './pacer';
import { type ReportDb, type ReportFactDaysTable, reportDb } from './report-tables';

/**
 * Settled report facts: each conversation measured once, when it can no longer change, and stored
 * compactly, so a month's report reads ~1 M conversations' facts instead of ~10 M events.
 *
 * The rule. Conversations are filed by the UTC day their row says they started. A conversation is
 * **settled** when it is closed (5 min ago or more: writes in flight are done) or quiet for 48 h
 * (no event); settling a day measures the conversations that started in it up to `covered_to` and
 * stores the settled ones in blocks; the others stay **pending** (their ids are kept) and are
 * re-examined on the next run. The current day is settled as it goes, up to five minutes ago.
 *
 * Staleness. Facts depend on the events, the spam verdict and the test agents (tier targets,
 * zone, period and thresholds are applied when tallying). A day carries the context it was measured
 * with (test agents + spam rules); another context makes every day unusable until re-settled. Any
 * event logged for a settled conversation (a late message, `conversation.spam_flagged` — setting
 * the manual flag logs one) marks its day stale: `checkLate` follows the log by `seq`.
 *
 * A report then uses the blocks of every day before the horizon (the first day not fully usable),
 * the pending conversations of those days read by id, and the event log from the horizon on — the
 * same conversations the event loader would give, measured by the same code, so the same figures.
 *
 * Pending facts. Settling measures the pending conversations too; their facts are stored beside the
 * day (`report_fact_pending`, with the log position they were measured at) and kept in memory. A
 * service started afresh takes them from there and re-measures from the log only the conversations
 * that got an event since (on PostgreSQL: since the position minus PG_SEQ_MARGIN).
 */

export const QUIET_MS = 48 * 3_600_000;
export const GRACE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** Conversations per stored block (a row of a few hundred kB). */
const BLOCK_SIZE = 4000;
/** Conversations read from the log and measured together when settling. */
const MEASURE_SLICE = 2000;
/** PostgreSQL hands out `seq` before commit: re-read this many below the watermark (as the live tally does). */
const PG_SEQ_MARGIN = 1000;
/** Bump when the facts or their encoding change: older days are then re-settled. */
const FACTS_VERSION = 2;
/** Blocks read by one COPY statement from PostgreSQL (~1 MB each). */
const PG_BLOCKS_PER_COPY = 32;
/** Strings numbered before the numbering starts over (with an empty cache): customers come and go. */
const MAX_STRINGS = 4_000_000;

export const dayOf = (at: number): number => Math.floor(at / DAY_MS) * DAY_MS;

/** What facts are measured with; its key is stored with each day. */
export interface FactContext {
  testAgentIds: string[];
  spamRules: SpamRules | undefined;
  key: string;
}

export function factContext(testAgentIds: readonly string[], spamRules: SpamRules | undefined): FactContext {
  const ids = [...testAgentIds].sort();
  const rules = rulesActive(spamRules);
  const key = createHash('sha1')
    .update(JSON.stringify([FACTS_VERSION, ids, rules ?? null]))
    .digest('hex');
  return { testAgentIds: ids, spamRules: rules, key };
}

/** A loaded conversation → its stored form (null: no event the engine reads). */
export function settledOf(
  c: LoadedConversation,
  testAgentIds: readonly string[],
): SettledConversation | null {
  const events = finishEvents(c);
  if (events.length === 0) return null;
  const facts = measureConversations(events, { testAgentIds }).conversations[0]!;
  const mentions = new Set<string>();
  for (const e of events) {
    if (e.agentId !== undefined) mentions.add(e.agentId);
    if (e.fromAgentId !== undefined) mentions.add(e.fromAgentId);
  }
  return { facts, channel: c.channel, rowTier: c.tier, group: c.group, mentions: [...mentions] };
}

/** Whether a conversation can no longer change (see the rule above). */
export function isSettled(c: LoadedConversation, now: number): boolean {
  if (c.status === 'closed' && c.closedAt !== null && c.closedAt <= now - GRACE_MS) return true;
  let last = c.lastMessageAt ?? 0;
  for (const e of c.events) if (e.at > last) last = e.at;
  for (const g of c.groupTransfers ?? []) if (g.at > last) last = g.at;
  return last <= now - QUIET_MS;
}

/** A row of a stored pending block, decoded with the numbering `strings` (see `FactSettler.current`). */
export interface StoredRow {
  block: ColumnBlock;
  row: number;
  strings: StringIds;
}

/** A not-settled conversation's facts: measured now, a stored row, or null (no event the engine reads). */
export type PendingFacts = SettledConversation | StoredRow | null;

export const isStoredRow = (f: SettledConversation | StoredRow): f is StoredRow => 'block' in f;

/** A block's conversations with a customer message in the period (rows ascending; null: all of them). */
export interface SettledPart {
  block: ColumnBlock;
  rows: Int32Array | null;
}

/** What a report reads: settled facts of the period, pending ids, and where the event log takes over. */
export interface SettledRead {
  /** Settled conversations with a customer message in the period, as columns (strings numbered by `strings`). */
  settled: SettledPart[];
  /** Pending conversations of the settled days (any period: the caller filters after reading them). */
  pending: string[];
  /** From here on the event log is read as before; -Infinity: nothing settled is usable. */
  horizon: number;
  blocks: number;
  /**
   * The numbering of the strings in `settled`: the settler's as of this read. A report keeps it
   * while it works, in turns (pacer.ts), even if a later read starts a new numbering meanwhile.
   */
  strings: StringIds;
}

export interface SettleStats {
  days: number;
  conversations: number;
  settled: number;
  pending: number;
  events: number;
  ms: number;
}

export class FactSettler {
  private lock: Promise<unknown> = Promise.resolve();
  private seen = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /**
   * Decoded blocks by `day:block`, least recently used first. A block never changes once written
   * (a day settled again gets new block numbers), so an entry is valid for as long as its row exists.
   */
  private readonly cache = new Map<string, ColumnBlock>();
  /** Numbers the strings of every block decoded (and of the facts a report measures now). */
  private ids = new StringIds();
  private cachedConversations = 0;
  /**
   * Conversations not settled yet, measured for a report and reused by the next ones until an event
   * is logged for them (`checkLate` drops those): a report re-reads only what changed since the last.
   */
  private readonly recent = new Map<string, PendingFacts>();
  private recentContext = '';
  /** The stored pending facts of `recentContext` were taken into `recent` (once per numbering). */
  private storedLoaded = false;
  /** `current` one call at a time: a report during the warm-up waits for it instead of measuring the same again. */
  private measuring: Promise<unknown> = Promise.resolve();
  /** `seen` was filled from what the last process saved (PostgreSQL, see `checkLate`). */
  private seenLoaded = false;
  /** Pending conversations measured from the log by `current`, and taken from the stored pending facts (counts since start). */
  readonly pendingStats = { fromLog: 0, fromStore: 0 };

  constructor(
    private readonly deps: {
      database: Database;
      clock: () => number;
      log: Logger;
      /** The context to settle with now (current test agents and spam rules). */
      context: () => Promise<FactContext>;
      /** Decoded conversations kept in memory (default 2 M, ~1 GB); 0 decodes every block on every report. */
      cacheConversations?: number;
      /** Longest stretch of work before the event loop gets a turn (`Pacer`; default 10 ms, Infinity: never). */
      sliceMs?: number;
    },
  ) {}

  /** A pacer for one piece of work (settling, a read, a warm-up): see pacer.ts. */
  pacer(): Pacer {
    return new Pacer(this.deps.sliceMs);
  }

  private get cacheLimit(): number {
    return this.deps.cacheConversations ?? 2_000_000;
  }

  private remember(key: string, block: ColumnBlock): void {
    if (block.columns.size > this.cacheLimit) return;
    this.cache.set(key, block);
    this.cachedConversations += block.columns.size;
    for (const [k, v] of this.cache) {
      if (this.cachedConversations <= this.cacheLimit) break;
      this.cache.delete(k);
      this.cachedConversations -= v.columns.size;
    }
  }

  private forgetDay(day: number): void {
    for (const [k, v] of this.cache) {
      if (!k.startsWith(`${day}:`)) continue;
      this.cache.delete(k);
      this.cachedConversations -= v.columns.size;
    }
  }

  /** The numbering of the strings in the columns `read` returns; valid until the next `read`. */
  get strings(): StringIds {
    return this.ids;
  }

  /** Conversations decoded in memory now. */
  get cached(): number {
    return this.cachedConversations;
  }

  private get db(): ReportDb {
    return reportDb(this.deps.database);
  }

  /** Runs `fn` alone: settling and a report's read never interleave. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Background settling: soon after start, then every `everyMs` (default hourly). `afterStart` runs
   * once, after the first warm-up (the service warms its code with it: `ReportService.warmCode`).
   */
  start(everyMs = 3_600_000, afterStart?: () => Promise<void>): void {
    this.stopped = false;
    const run = (warmFirst: boolean) =>
      void (async () => {
        const context = await this.deps.context();
        const since = this.deps.clock() - 31 * DAY_MS;
        // After a start, what is stored already goes into memory first (blocks and pending facts,
        // ~1 s): a report then need not wait for settling, which re-reads every pending conversation.
        if (warmFirst) {
          await this.warm(context, since);
          // Only an optimisation: its failure must not keep the day from being settled.
          if (afterStart && !this.stopped)
            await afterStart().catch((e: unknown) =>
              this.deps.log.warn('report facts: code warm-up failed', { err: String(e) }),
            );
        }
        await this.settleAll();
        // Decode what reports will read, now rather than in the first report.
        await this.warm(context, since);
      })().catch((e: unknown) => {
        if (!this.stopped) this.deps.log.warn('report facts: settling failed', { err: String(e) });
      });
    const first = setTimeout(() => run(true), 1000);
    first.unref();
    this.timer = setInterval(() => run(false), everyMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Settles every day from the first conversation to today, one day at a time (each day alone
   * under the lock, yielding between slices, so reports and requests go on meanwhile).
   */
  async settleAll(): Promise<SettleStats> {
    const started = performance.now();
    const pacer = this.pacer();
    const total: SettleStats = { days: 0, conversations: 0, settled: 0, pending: 0, events: 0, ms: 0 };
    const context = await this.deps.context();
    await this.exclusive(() => this.checkLate());
    const first = await this.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.min('started_at').as('at'))
      .executeTakeFirst();
    if (first?.at === null || first?.at === undefined) return total;
    const now = this.deps.clock();
    for (let day = dayOf(Number(first.at)); day <= dayOf(now - GRACE_MS) && !this.stopped; day += DAY_MS) {
      const s = await this.exclusive(() => this.settleDay(day, context, now, pacer));
      if (s) {
        total.days++;
        total.conversations += s.conversations;
        total.settled += s.settled;
        total.pending += s.pending;
        total.events += s.events;
      }
      // Between days the lock is free: a report waiting for it goes first.
      await pacer.turn();
    }
    total.ms = performance.now() - started;
    return total;
  }

  /**
   * Brings one day up to date: from scratch when it is stale or of another context, else the
   * conversations started since `covered_to` plus the pending ones. Null: nothing to do.
   */
  private async settleDay(
    day: number,
    context: FactContext,
    now: number,
    pacer: Pacer,
  ): Promise<SettleStats | null> {
    const started = performance.now();
    const row = await this.db
      .selectFrom('report_fact_days')
      .selectAll()
      .where('day_start', '=', day)
      .executeTakeFirst();
    const limit = Math.min(day + DAY_MS, now - GRACE_MS);
    const keep = row !== undefined && row.state === 'fresh' && row.context === context.key;
    const from = keep ? Number(row.covered_to) : day;
    const pending: string[] = keep ? (JSON.parse(row.pending) as string[]) : [];
    if (from >= limit && pending.length === 0) return null;
    if (keep && from >= limit && Number(row.settled_at) > now - GRACE_MS) return null;

    const ids = [...pending];
    // A quarter of a day per query: a day's rows at once are tens of ms of synchronous reading.
    for (let a = from; a < limit; a += DAY_MS / 4) {
      const b = Math.min(limit, a + DAY_MS / 4);
      for (const c of await conversationsStartedIn(this.deps.database, a, b)) ids.push(c.id);
      await pacer.pace();
    }
    // The log position the pending facts below are measured at: taken before reading, so an event
    // logged after it is one they may not have seen (loadStored re-measures those).
    const seqAt = await this.topSeq();
    const gapsAt = await this.gapsBelow(seqAt);
    const settled: SettledConversation[] = [];
    const stillPending: string[] = [];
    /** The pending conversations as measured now (stored and kept, see `current`). */
    const pendingFacts = new Map<string, SettledConversation | null>();
    let events = 0;
    // Read and measured a slice at a time: only a slice's events are alive at once (the collector's
    // pauses grow with what survives), in the same order as the whole day at once.
    for (let i = 0; i < ids.length; i += MEASURE_SLICE) {
      const slice = ids.slice(i, i + MEASURE_SLICE);
      const loaded = await loadConversationsWhole(this.deps.database, slice, context.spamRules, pacer);
      for (const id of slice) {
        if (pacer.due()) await pacer.turn();
        const c = loaded.get(id);
        // A row without any event the reports read: never in a report.
        if (c === undefined) continue;
        events += c.events.length;
        if (!isSettled(c, now)) {
          stillPending.push(id);
          pendingFacts.set(id, settledOf(c, context.testAgentIds));
        } else {
          const s = settledOf(c, context.testAgentIds);
          if (s) settled.push(s);
        }
      }
    }
    const pendingBlocks: { block: number; n: number; data: Buffer }[] = [];
    const measured = [...pendingFacts.values()].filter((s) => s !== null);
    for (let b = 0; b * BLOCK_SIZE < measured.length; b++) {
      const part = measured.slice(b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE);
      const data = encodeBlock(part);
      pendingBlocks.push({
        block: b,
        n: part.length,
        data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      });
      await pacer.pace();
    }
    const writePending = async (trx: ReportDb) => {
      await trx.deleteFrom('report_fact_pending').where('day_start', '=', day).execute();
      for (const b of pendingBlocks)
        await trx
          .insertInto('report_fact_pending')
          .values({
            day_start: day,
            block: b.block,
            context: context.key,
            seq: seqAt,
            gaps: gapsAt,
            conversations: b.n,
            data: b.data,
          })
          .execute();
    };
    // Kept for reports (measured under the lock, so `checkLate` drops any that gets an event later).
    const keepMeasured = () => {
      this.useContext(context.key);
      for (const [id, s] of pendingFacts) this.recent.set(id, s);
    };
    if (keep && settled.length === 0 && from >= limit && sameIds(pending, stillPending)) {
      // Nothing settled, but the pending facts are newer now.
      await this.db.transaction().execute(writePending);
      keepMeasured();
      return null;
    }

    // Numbers are never reused (a day settled afresh continues after its old blocks): cache keys stay valid.
    const firstBlock = row === undefined ? 0 : Number(row.blocks);
    const blocks: { block: number; first: number; last: number; n: number; data: Buffer }[] = [];
    for (let b = 0; b * BLOCK_SIZE < settled.length; b++) {
      const part = settled.slice(b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE);
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (const s of part) {
        const ats = s.facts.customerAts;
        if (ats.length === 0) continue;
        if (ats[0]! < first) first = ats[0]!;
        if (ats[ats.length - 1]! > last) last = ats[ats.length - 1]!;
      }
      // A block with no customer message is in no period: bounds that match nothing.
      if (first > last) {
        first = 0;
        last = -1;
      }
      const data = encodeBlock(part);
      blocks.push({
        block: firstBlock + b,
        first,
        last,
        n: part.length,
        data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      });
      await pacer.pace();
    }
    const values: ReportFactDaysTable = {
      day_start: day,
      context: context.key,
      state: 'fresh',
      covered_to: Math.max(from, limit),
      pending: JSON.stringify(stillPending),
      blocks: firstBlock + blocks.length,
      conversations: (keep ? Number(row.conversations) : 0) + settled.length,
      settled_at: now,
    };
    if (!keep) this.forgetDay(day);
    await this.db.transaction().execute(async (trx) => {
      if (!keep) await trx.deleteFrom('report_fact_blocks').where('day_start', '=', day).execute();
      for (const b of blocks) {
        await trx
          .insertInto('report_fact_blocks')
          .values({
            day_start: day,
            block: b.block,
            first_customer_at: b.first,
            last_customer_at: b.last,
            conversations: b.n,
            data: b.data,
          })
          .execute();
      }
      await trx
        .insertInto('report_fact_days')
        .values(values)
        .onConflict((oc) => oc.column('day_start').doUpdateSet(values))
        .execute();
      await writePending(trx);
    });
    keepMeasured();
    return {
      days: 1,
      conversations: ids.length,
      settled: settled.length,
      pending: stillPending.length,
      events,
      ms: performance.now() - started,
    };
  }

  /**
   * Follows the log since the last look: an event for a settled conversation marks its day stale.
   * Any event type counts (a spam flag is logged as one); re-measuring is only a cost.
   */
  private async checkLate(): Promise<number> {
    const db = this.db;
    const meta = await db
      .selectFrom('report_fact_meta')
      .select(['value', 'data'])
      .where('key', '=', 'late_seq')
      .executeTakeFirst();
    const top = await this.topSeq();
    const save = (value: number, data: string | null) =>
      db
        .insertInto('report_fact_meta')
        .values({ key: 'late_seq', value, data })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, data }))
        .execute();
    const margin = this.deps.database.dialect === 'postgres' ? PG_SEQ_MARGIN : 0;
    // First look: nothing is settled yet, so nothing before now can be late; what is in the margin
    // now counts as seen (what commits there later does not).
    if (meta === undefined) {
      this.seenLoaded = true;
      if (margin > 0) {
        const gaps = new Set(JSON.parse((await this.gapsBelow(top))!) as number[]);
        for (let seq = Math.max(1, top - margin + 1); seq <= top; seq++)
          if (!gaps.has(seq)) this.seen.add(seq);
      }
      await save(top, margin > 0 ? seenNote(this.seen, top, margin) : null);
      return 0;
    }
    const watermark = Number(meta.value);
    if (!this.seenLoaded) {
      this.seenLoaded = true;
      // What the last process had seen below its watermark (all but the gaps it saved): without it a
      // restart takes the margin's events for new, and a settled one among them stales its day.
      const note = meta.data === null ? null : (JSON.parse(meta.data) as { top: number; gaps: number[] });
      // Only if written with this watermark (an older version updates the value alone).
      if (margin > 0 && note?.top === watermark) {
        const gaps = new Set(note.gaps);
        for (let seq = Math.max(1, watermark - margin + 1); seq <= watermark; seq++)
          if (!gaps.has(seq)) this.seen.add(seq);
      }
    }
    const rows = await db
      .selectFrom('events')
      .select(['seq', 'conversation_id'])
      .where('seq', '>', watermark - margin)
      .where('seq', '<=', top)
      .execute();
    const touched = new Set<string>();
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq <= watermark && this.seen.has(seq)) continue;
      this.seen.add(seq);
      if (r.conversation_id) {
        touched.add(r.conversation_id);
        this.recent.delete(r.conversation_id);
      }
    }
    for (const seq of this.seen) if (seq <= top - margin) this.seen.delete(seq);
    // The numbers in the margin not seen (not committed yet, or never): the rest counts as seen after a restart.
    const note = margin > 0 ? seenNote(this.seen, top, margin) : null;
    if (touched.size > 0) {
      const days = await db
        .selectFrom('report_fact_days')
        .select(['day_start', 'covered_to', 'pending'])
        .execute();
      const byDay = new Map(days.map((d) => [Number(d.day_start), d]));
      const pendingOf = new Map<number, Set<string>>();
      const stale = new Set<number>();
      const ids = [...touched];
      for (let i = 0; i < ids.length; i += 500) {
        const convs = await db
          .selectFrom('conversations')
          .select(['id', 'started_at'])
          .where('id', 'in', ids.slice(i, i + 500))
          .execute();
        for (const c of convs) {
          const startedAt = Number(c.started_at);
          const day = dayOf(startedAt);
          const d = byDay.get(day);
          if (!d || startedAt >= Number(d.covered_to) || stale.has(day)) continue;
          let pending = pendingOf.get(day);
          if (!pending) {
            pending = new Set(JSON.parse(d.pending) as string[]);
            pendingOf.set(day, pending);
          }
          if (!pending.has(c.id)) stale.add(day);
        }
      }
      if (stale.size > 0) {
        await db
          .updateTable('report_fact_days')
          .set({ state: 'stale' })
          .where('day_start', 'in', [...stale])
          .execute();
        this.deps.log.info('report facts: days stale after late events', {
          days: [...stale].map((d) => new Date(d).toISOString().slice(0, 10)),
        });
      }
    }
    if (top > watermark || note !== meta.data) await save(top, note);
    return touched.size;
  }

  /**
   * For a report over `[from, to)`: catches up with the log, re-settles the stale days before `to`
   * (a late event or a spam flag costs one day's measuring once), then reads what is settled.
   */
  async read(from: number, to: number, context: FactContext, pacer = this.pacer()): Promise<SettledRead> {
    await this.exclusive(() => this.checkLate());
    const now = this.deps.clock();
    const stale = await this.db
      .selectFrom('report_fact_days')
      .select('day_start')
      .where('state', '=', 'stale')
      .where('context', '=', context.key)
      .where('day_start', '<', to)
      .execute();
    for (const d of stale) {
      try {
        await this.exclusive(() => this.settleDay(Number(d.day_start), context, now, pacer));
      } catch (e) {
        // Another instance settling the same day: it stays stale and the report reads the log from there.
        this.deps.log.warn('report facts: re-settling a stale day failed', { err: String(e) });
      }
    }
    return this.exclusive(() => this.readSettled(from, to, context, pacer));
  }

  /**
   * Facts of conversations that are not (or not yet) settled: measured when their day was last
   * settled (kept, or stored and taken back after a restart) or by an earlier report, as long as no
   * event was logged for them since; the others measured from the log now. Null: no event the engine
   * reads. Stored rows are numbered by `strings` (the report's numbering). Call after `read`, which
   * brings the log check up to date.
   */
  current(
    ids: readonly string[],
    context: FactContext,
    pacer = this.pacer(),
    strings = this.ids,
  ): Promise<Map<string, PendingFacts>> {
    const run = this.measuring.then(() => this.currentNow(ids, context, pacer, strings));
    this.measuring = run.catch(() => undefined);
    return run;
  }

  private useContext(key: string): void {
    if (this.recentContext === key) return;
    this.recent.clear();
    this.recentContext = key;
    this.storedLoaded = false;
  }

  private async currentNow(
    ids: readonly string[],
    context: FactContext,
    pacer: Pacer,
    strings: StringIds,
  ): Promise<Map<string, PendingFacts>> {
    this.useContext(context.key);
    // A stored row numbered otherwise (the numbering started over since) cannot go into this report.
    const usable = (f: PendingFacts | undefined): f is PendingFacts =>
      f !== undefined && (f === null || !isStoredRow(f) || f.strings === strings);
    // Taken as found: the log check may drop an entry while this waits (an event came), and the
    // report then still has what it found.
    const found = new Map<string, PendingFacts>();
    const look = () => {
      const missing: string[] = [];
      for (const id of ids) {
        if (found.has(id)) continue;
        const f = this.recent.get(id);
        if (usable(f)) found.set(id, f);
        else missing.push(id);
      }
      return missing;
    };
    let missing = look();
    if (missing.length > 0 && !this.storedLoaded && strings === this.ids) {
      await this.exclusive(() => this.loadStored(context, pacer));
      missing = look();
    }
    if (missing.length > 0) {
      this.pendingStats.fromLog += missing.length;
      const loaded = await loadConversationsWhole(this.deps.database, missing, context.spamRules, pacer);
      for (const id of missing) {
        const c = loaded.get(id);
        const f = c ? settledOf(c, context.testAgentIds) : null;
        this.recent.set(id, f);
        found.set(id, f);
        if (pacer.due()) await pacer.turn();
      }
    }
    const out = new Map<string, PendingFacts>();
    for (const id of ids) out.set(id, found.get(id) ?? null);
    // Keep what the last reports asked for, not everything ever measured (nor what was dropped meanwhile).
    if (this.recent.size > 2 * ids.length + 10_000) {
      const keep = new Map<string, PendingFacts>();
      for (const id of ids) {
        const f = this.recent.get(id);
        if (f !== undefined) keep.set(id, f);
      }
      this.recent.clear();
      for (const [id, f] of keep) this.recent.set(id, f);
    }
    return out;
  }

  /**
   * Takes the stored pending facts of `context` into `recent`, but for the conversations with an event
   * logged after their day's position — on PostgreSQL also one numbered in the gaps below it (handed
   * out but not committed when the facts were measured: PG_SEQ_MARGIN as in `checkLate`). What is in
   * `recent` already is newer and stays. Under the lock: a settling run does not rewrite them meanwhile.
   */
  private async loadStored(context: FactContext, pacer: Pacer): Promise<void> {
    this.storedLoaded = true;
    const rows = await this.db
      .selectFrom('report_fact_pending')
      .select(['day_start', 'block', 'seq', 'gaps'])
      .where('context', '=', context.key)
      .orderBy('day_start')
      .orderBy('block')
      .execute();
    if (rows.length === 0) return;
    const margin = this.deps.database.dialect === 'postgres' ? PG_SEQ_MARGIN : 0;
    let since = Number.POSITIVE_INFINITY;
    for (const r of rows) since = Math.min(since, Number(r.seq));
    const events = await this.db
      .selectFrom('events')
      .select(['conversation_id', 'seq'])
      .where('seq', '>', since - margin)
      .execute();
    const seqsOf = new Map<string, number[]>();
    for (const e of events) {
      const list = seqsOf.get(e.conversation_id);
      if (list) list.push(Number(e.seq));
      else seqsOf.set(e.conversation_id, [Number(e.seq)]);
    }
    const strings = this.ids;
    for (const r of rows) {
      const day = Number(r.day_start);
      const data = await this.blobOf('report_fact_pending', day, Number(r.block));
      if (data === undefined) continue;
      const block = decodeBlock(data, strings, true);
      const position = Number(r.seq);
      // Without the gaps (a row from before they were kept) every number in the margin is one.
      const gaps = r.gaps === null ? null : new Set(JSON.parse(r.gaps) as number[]);
      const unseen = (seq: number) =>
        seq > position || (seq > position - margin && (gaps === null || gaps.has(seq)));
      const blockIds = block.conversationIds();
      for (let row = 0; row < blockIds.length; row++) {
        const id = blockIds[row]!;
        if (seqsOf.get(id)?.some(unseen)) continue;
        if (this.recent.has(id)) continue;
        this.recent.set(id, { block, row, strings });
        this.pendingStats.fromStore++;
      }
      await pacer.pace();
    }
  }

  /** PostgreSQL: the numbers in `(seq − PG_SEQ_MARGIN, seq]` not in the log now, as JSON (SQLite: null, no margin). */
  private async gapsBelow(seq: number): Promise<string | null> {
    if (this.deps.database.dialect !== 'postgres') return null;
    const rows = await this.db
      .selectFrom('events')
      .select('seq')
      .where('seq', '>', seq - PG_SEQ_MARGIN)
      .where('seq', '<=', seq)
      .execute();
    return JSON.stringify(gapsIn(new Set(rows.map((r) => Number(r.seq))), seq, PG_SEQ_MARGIN));
  }

  /** The highest `seq` in the log (0: none). */
  private async topSeq(): Promise<number> {
    const max = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return max?.seq === null || max?.seq === undefined ? 0 : Number(max.seq);
  }

  /** Decoded blocks, from the cache or read and decoded (SQLite: a query per block; PostgreSQL: per 32). */
  private async blocks(wanted: { day: number; block: number }[], pacer: Pacer): Promise<ColumnBlock[]> {
    const missing = new Map<number, number[]>();
    for (const b of wanted) {
      const hit = this.cache.get(keyOf(b));
      if (hit) {
        // Most recently used goes last.
        this.cache.delete(keyOf(b));
        this.cache.set(keyOf(b), hit);
        continue;
      }
      const list = missing.get(b.day);
      if (list) list.push(b.block);
      else missing.set(b.day, [b.block]);
    }
    const decoded = new Map<string, ColumnBlock>();
    const take = (day: number, block: number, data: Uint8Array) => {
      // The bytes were read for this block alone: decoded in place.
      const decodedBlock = decodeBlock(data, this.ids, true);
      const key = keyOf({ day, block });
      decoded.set(key, decodedBlock);
      this.remember(key, decodedBlock);
    };
    const queue: { day: number; block: number }[] = [];
    for (const [day, blocks] of missing) for (const block of blocks) queue.push({ day, block });
    const pg = this.deps.database.pg;
    if (pg && queue.every((b) => Number.isSafeInteger(b.day) && Number.isSafeInteger(b.block))) {
      // PostgreSQL: many blocks per COPY statement, each decoded as its row arrives (a row is one
      // message, handled in its own I/O callback: no long stretch). A statement per block cost a
      // round trip each: 253 of them were 40 % of reading a month (docs/benchmarks.md §7).
      for (let k = 0; k < queue.length; k += PG_BLOCKS_PER_COPY) {
        const list = queue
          .slice(k, k + PG_BLOCKS_PER_COPY)
          .map((b) => `(${b.day}, ${b.block})`)
          .join(', ');
        await copyRowsBinary(
          pg.pool,
          `COPY (SELECT day_start, block, data FROM report_fact_blocks WHERE (day_start, block) IN (${list})) TO STDOUT (FORMAT binary)`,
          (row) => take(int64Of(row[0]!), int32Of(row[1]!), row[2]!),
        );
        await pacer.pace();
      }
    } else {
      // A block per query: a day's blocks at once are ~10 MB read in one synchronous stretch.
      for (const { day, block } of queue) {
        const data = await this.blobOf('report_fact_blocks', day, block);
        if (data) take(day, block, data);
        await pacer.pace();
      }
    }
    const out: ColumnBlock[] = [];
    for (const b of wanted) {
      const block = decoded.get(keyOf(b)) ?? this.cache.get(keyOf(b));
      if (block) out.push(block);
    }
    return out;
  }

  /** A stored block's bytes (undefined: no such block). */
  private async blobOf(
    table: 'report_fact_blocks' | 'report_fact_pending',
    day: number,
    block: number,
  ): Promise<Uint8Array | undefined> {
    const pg = this.deps.database.pg;
    if (pg && Number.isSafeInteger(day) && Number.isSafeInteger(block)) {
      // Raw bytes through COPY, not the hex text a bytea column comes back as (pg-copy.ts: ~8× faster).
      const rows = await copyRowsBinary(
        pg.pool,
        `COPY (SELECT data FROM ${table} WHERE day_start = ${day} AND block = ${block}) TO STDOUT (FORMAT binary)`,
      );
      return rows[0]?.[0] ?? undefined;
    }
    const row = await this.db
      .selectFrom(table)
      .select('data')
      .where('day_start', '=', day)
      .where('block', '=', block)
      .executeTakeFirst();
    return row?.data;
  }

  /**
   * Reads and decodes the blocks of the days since `since` into the cache (SQLite a block at a time,
   * PostgreSQL 32), then takes the pending conversations of every usable day (`current`: their stored
   * facts, or measured), so a report finds both in memory.
   */
  async warm(context: FactContext, since: number): Promise<number> {
    const pacer = this.pacer();
    const rows = await this.db
      .selectFrom('report_fact_blocks')
      .innerJoin('report_fact_days', 'report_fact_days.day_start', 'report_fact_blocks.day_start')
      .select(['report_fact_blocks.day_start as day', 'report_fact_blocks.block as block'])
      .where('report_fact_days.context', '=', context.key)
      .where('report_fact_days.state', '=', 'fresh')
      .where('report_fact_blocks.last_customer_at', '>=', since)
      .orderBy('report_fact_blocks.day_start')
      .orderBy('report_fact_blocks.block')
      .execute();
    let n = 0;
    // PostgreSQL: as many blocks at a time as a report's read takes per statement (SQLite: one).
    const step = this.deps.database.pg ? PG_BLOCKS_PER_COPY : 1;
    for (let k = 0; k < rows.length && !this.stopped; k += step) {
      // What a report read meanwhile is in the cache already: not read twice.
      const wanted = rows
        .slice(k, k + step)
        .map((r) => ({ day: Number(r.day), block: Number(r.block) }))
        .filter((b) => !this.cache.has(keyOf(b)));
      if (wanted.length === 0) continue;
      const read = await this.exclusive(() =>
        this.blocks(
          wanted.filter((b) => !this.cache.has(keyOf(b))),
          pacer,
        ),
      );
      for (const block of read) n += block.columns.size;
      // Between reads the lock is free: a report waiting for it goes first.
      await pacer.turn();
    }
    if (!this.stopped) {
      // The days' pending conversations too (~19 000 for a month): from their stored facts, or
      // measured from the log when none are stored or an event came since. Kept as `current` keeps
      // them, so an event logged for one later (seen by the log check) drops it again.
      const days = await this.db
        .selectFrom('report_fact_days')
        .select('pending')
        .where('context', '=', context.key)
        .where('state', '=', 'fresh')
        .execute();
      const pending: string[] = [];
      for (const d of days) for (const id of JSON.parse(d.pending) as string[]) pending.push(id);
      await this.exclusive(() => this.checkLate());
      await this.current(pending, context, pacer);
    }
    return n;
  }

  private async readSettled(
    from: number,
    to: number,
    context: FactContext,
    pacer: Pacer,
  ): Promise<SettledRead> {
    if (this.ids.size > MAX_STRINGS) {
      this.cache.clear();
      this.cachedConversations = 0;
      this.ids = new StringIds();
      // Stored pending rows are numbered the old way: taken again from the store when next asked for.
      for (const [id, f] of this.recent) if (f !== null && isStoredRow(f)) this.recent.delete(id);
      this.storedLoaded = false;
    }
    const strings = this.ids;
    const none: SettledRead = {
      settled: [],
      pending: [],
      horizon: Number.NEGATIVE_INFINITY,
      blocks: 0,
      strings,
    };
    const days = await this.db
      .selectFrom('report_fact_days')
      .select(['day_start', 'context', 'state', 'covered_to', 'pending'])
      .orderBy('day_start')
      .execute();
    if (!days.some((d) => d.context === context.key && d.state === 'fresh')) return none;
    const first = await this.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.min('started_at').as('at'))
      .executeTakeFirst();
    if (first?.at === null || first?.at === undefined) return none;
    // The horizon: the end of the unbroken run of usable days from the first conversation on.
    const byDay = new Map(days.map((d) => [Number(d.day_start), d]));
    let horizon = dayOf(Number(first.at));
    const pending: string[] = [];
    for (;;) {
      const d = byDay.get(horizon);
      if (d?.state !== 'fresh' || d.context !== context.key) break;
      for (const id of JSON.parse(d.pending) as string[]) pending.push(id);
      const covered = Number(d.covered_to);
      if (covered < horizon + DAY_MS) {
        horizon = covered;
        break;
      }
      horizon += DAY_MS;
    }
    const rows = await this.db
      .selectFrom('report_fact_blocks')
      .select(['day_start', 'block'])
      .where('day_start', '<', horizon)
      .where('last_customer_at', '>=', from)
      .where('first_customer_at', '<', to)
      .orderBy('day_start')
      .orderBy('block')
      .execute();
    const blocks = await this.blocks(
      rows.map((r) => ({ day: Number(r.day_start), block: Number(r.block) })),
      pacer,
    );
    const settled: SettledPart[] = [];
    for (const block of blocks) {
      const c = block.columns;
      const keep = new Int32Array(c.size);
      let n = 0;
      for (let i = 0; i < c.size; i++) if (rowHasCustomerMessageIn(c, i, from, to)) keep[n++] = i;
      if (n > 0) settled.push({ block, rows: n === c.size ? null : keep.slice(0, n) });
      await pacer.pace();
    }
    return { settled, pending, horizon, blocks: rows.length, strings };
  }
}

/** A binary COPY field: PostgreSQL's big-endian `bigint` / `integer`. */
function int64Of(field: Uint8Array): number {
  return Number(new DataView(field.buffer, field.byteOffset, 8).getBigInt64(0));
}
function int32Of(field: Uint8Array): number {
  return new DataView(field.buffer, field.byteOffset, 4).getInt32(0);
}

/** The sequence numbers in `(top − margin, top]` not in `seen`. */
function gapsIn(seen: ReadonlySet<number>, top: number, margin: number): number[] {
  const list: number[] = [];
  for (let seq = Math.max(1, top - margin + 1); seq <= top; seq++) if (!seen.has(seq)) list.push(seq);
  return list;
}

/** What `report_fact_meta.data` keeps beside `late_seq` (PostgreSQL): the watermark and its gaps, as JSON. */
function seenNote(seen: ReadonlySet<number>, top: number, margin: number): string {
  return JSON.stringify({ top, gaps: gapsIn(seen, top, margin) });
}

function keyOf(b: { day: number; block: number }): string {
  return `${b.day}:${b.block}`;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
