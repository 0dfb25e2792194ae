import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { type Calendar, isOpen } from '../calendar/business-hours';
import type { CompiledContent } from '../content/live-content';
import { HttpError, parseWith } from '../http/errors';
import { insertEvent } from '../routing/routing-store';
import { tierById } from '../routing/routing-config';
import { type Report, tallyFactsSteps } from '../reporting/build-report';
import { type ConversationFacts, hasCustomerMessageIn } from '../reporting/conversation-facts';
import {
  type ColumnPart,
  columnsOf,
  type FactColumns,
  rowHasCustomerMessageIn,
  StringIds,
} from '../reporting/fact-columns';
import {
  daysOfPeriod,
  type PeriodDay,
  rowsByDaySteps,
  tallyColumnsByDaySteps,
} from '../reporting/report-by-day';
import type { Steps } from '../reporting/steps';
import { tallyColumnsSteps } from '../reporting/tally-columns';
import { prepareConversationsSteps } from '../reporting/conversations';
import { csvCell } from '../reporting/format-csv';
import type { AgentOnlineInterval, ReportEvent } from '../reporting/report-event';
import { ReportError } from '../reporting/report-errors';
import type { ReportOptionsInput, TierTargets } from '../reporting/report-options';
import { createZoneClock } from '../reporting/time-zone';
import type { Logger } from '../shared/log';
import type { Database } from '../store/database';
import { conversationCsvLines, conversationRowsSteps } from './conversation-rows';
import {
  type ConversationStart,
  type ConversionFigures,
  conversionSteps,
  type OrderLite,
} from './conversion';
import {
  finishEvents,
  isSpam,
  type LoadedConversation,
  type LoadStats,
  conversationsStartedIn,
  loadConversations,
} from './events-from-db';
import type { ColumnBlock, SettledConversation } from './facts-codec';
import { Pacer } from './pacer';
import { loadPresence } from './presence';
import { type ReportQuery, reportQuerySchema, resolveReportQuery } from './report-query';
import { type ReportDb, reportDb } from './report-tables';
import {
  type FactContext,
  FactSettler,
  factContext,
  isStoredRow,
  type SettledRead,
  settledOf,
} from './settled-facts';

export interface ReportServiceDeps {
  database: Database;
  /** The live configuration (tiers, calendar, spam rules, alert thresholds). */
  config: { readonly current: CompiledContent };
  clock: () => number;
  log: Logger;
  /** false: every report reads the whole period from the event log (the baseline the tests and bench compare with). */
  useSettledFacts?: boolean;
  /** Decoded settled conversations kept in memory (FactSettler's `cacheConversations`). */
  factCache?: number;
  /**
   * Longest stretch of report work before the event loop gets a turn, for reports and settling
   * (pacer.ts; default 10 ms; Infinity: never, each report one stretch as before).
   */
  sliceMs?: number;
}

export interface AgentName {
  name: string;
  login: string;
  test: boolean;
}

interface AgentInfo extends AgentName {
  id: string;
  createdAt: number;
}

/** What one request measures: the conversations after filters, as engine events. */
interface Collected {
  query: ReportQuery;
  events: ReportEvent[];
  conversations: LoadedConversation[];
  presence: AgentOnlineInterval[];
  agents: Map<string, AgentInfo>;
  testAgentIds: string[];
  excluded: { outsideBusinessHours: number; otherFilters: number };
  load: LoadStats & { ms: number };
}

/** What a summary measures: the conversations after filters, as columnar facts (settled or measured now). */
interface CollectedFacts {
  query: ReportQuery;
  parts: ColumnPart[];
  /** The numbering of the strings in `parts`. */
  ids: StringIds;
  presence: AgentOnlineInterval[];
  agents: Map<string, AgentInfo>;
  testAgentIds: string[];
  excluded: { outsideBusinessHours: number; otherFilters: number };
  load: { ms: number; rowsScanned: number; settled: number; blocks: number; horizon: number };
}

type SlimReport = Pick<Report, 'overall' | 'tiers'> & {
  hours: Pick<
    Report['hours'][number],
    'hour' | 'arrivals' | 'humanArrivals' | 'firstResponseMedianSeconds' | 'firstHumanResponseMedianSeconds'
  >[];
};

export interface SummaryGroup extends Partial<SlimReport> {
  key: string;
  /** Day groups: the local day's bounds (clipped to the period). */
  from?: string;
  to?: string;
  /** Agent groups: the agent's figures, name and conversion. */
  name?: string;
  figures?: Report['agents'][number];
  conversion?: ConversionFigures['agents'][number] | null;
}

export interface Summary {
  period: { from: string; to: string; timeZone: string };
  filters: { agent: string | null; tier: string | null; channel: string | null; hours: 'all' | 'business' };
  generatedAt: string;
  report: Report;
  agentNames: Record<string, AgentName>;
  groupBy: ReportQuery['groupBy'] | null;
  groups: SummaryGroup[] | null;
  /** Null when the shop has never reported an order (`POST /api/orders`). */
  conversion: ConversionFigures | null;
  /** First logged agent status change: time online is known from then on (see withheldOnlineFigures). */
  presenceLoggedSince: string | null;
  excluded: Collected['excluded'];
  timing: {
    loadMs: number;
    computeMs: number;
    events: number;
    conversations: number;
    rowsScanned: number;
    /** Conversations whose stored (settled) facts were used instead of their events. */
    settledConversations: number;
  };
}

const orderSchema = z.strictObject({
  /** Our customer key (`api:c1`, as in the reports), or the channel's own id when it is unambiguous. */
  customerId: z.string().trim().min(1).max(300),
  orderId: z.string().trim().min(1).max(200),
  /** ISO-8601 with an offset, or ms since the epoch. */
  paidAt: z.union([
    z.iso.datetime({
      offset: true,
      error: 'must be ISO-8601 with an offset, e.g. 2026-11-23T10:00:00+08:00',
    }),
    z.number().int().positive(),
  ]),
  amount: z
    .number()
    .min(0)
    .max(1e10)
    .refine((a) => Math.abs(Math.round(a * 100) - a * 100) < 1e-6, 'at most two decimals'),
});
export const spamBodySchema = z.strictObject({ spam: z.boolean() });

/**
 * Reports over the database event log: loads the conversations a period needs, maps them onto the
 * engine's events, applies the shop's tiers, zone, test agents and spam flags, and runs the pure
 * engine (src/reporting). Exactly what `npm run report` computes from an exported log.
 */
export class ReportService {
  /** Settled facts (settled-facts.ts); `Reports.start()` starts its background job. */
  readonly settler: FactSettler;

  constructor(private readonly deps: ReportServiceDeps) {
    this.settler = new FactSettler({
      database: deps.database,
      clock: deps.clock,
      log: deps.log,
      context: async () => this.factContext(await this.testAgentIds()),
      ...(deps.factCache !== undefined ? { cacheConversations: deps.factCache } : {}),
      ...(deps.sliceMs !== undefined ? { sliceMs: deps.sliceMs } : {}),
    });
  }

  /** One per request: its work gives the event loop a turn every `sliceMs` (pacer.ts). */
  private pacer(): Pacer {
    return new Pacer(this.deps.sliceMs);
  }

  private async testAgentIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('agents').select(['id', 'test']).execute();
    return rows.filter((a) => Number(a.test) === 1).map((a) => a.id);
  }

  /** What facts measured now depend on: the test agents and the spam rules. */
  factContext(testAgentIds: readonly string[]): FactContext {
    return factContext(testAgentIds, this.current.settings.spam);
  }

  private get db(): ReportDb {
    return reportDb(this.deps.database);
  }

  private get current(): CompiledContent {
    return this.deps.config.current;
  }

  /** Tier targets from the live routing rules, in the engine's shape. */
  tierOptions(): { tiers: Record<string, TierTargets>; defaultTier: string } {
    const routing = this.current.routing;
    const tiers: Record<string, TierTargets> = {};
    for (const t of routing.tiers) {
      tiers[t.id] = {
        firstReplySeconds: t.firstReplySeconds,
        replySeconds: t.replySeconds,
        // The engine needs a target above 0; a routing target of 0 ("none") is met by any rate.
        complianceTarget: Math.max(t.complianceTarget, 1e-9),
      };
    }
    return { tiers, defaultTier: tierById(routing, null).id };
  }

  /** Parses and checks a report query: 400s name the field (period, zone, agent, tier). */
  async resolve(rawQuery: unknown): Promise<{ query: ReportQuery; agents: Map<string, AgentInfo> }> {
    const input = parseWith(reportQuerySchema, rawQuery, 'query');
    const query = resolveReportQuery(input, {
      timeZone: this.current.settings.calendar.timezone,
      now: this.deps.clock(),
    });
    const rows = await this.db
      .selectFrom('agents')
      .select(['id', 'login', 'name', 'test', 'created_at'])
      .execute();
    const agents = new Map(
      rows.map((a) => [
        a.id,
        {
          id: a.id,
          name: a.name,
          login: a.login,
          test: Number(a.test) === 1,
          createdAt: Number(a.created_at),
        },
      ]),
    );
    if (query.agent !== undefined) {
      const found = agents.get(query.agent) ?? [...agents.values()].find((a) => a.login === query.agent);
      if (!found) throw fieldError('agent', `no agent "${query.agent}" (give an agent id or login)`);
      query.agent = found.id;
    }
    if (query.tier !== undefined && !this.current.routing.tiers.some((t) => t.id === query.tier)) {
      throw fieldError(
        'tier',
        `no tier "${query.tier}" (tiers: ${this.current.routing.tiers.map((t) => t.id).join(', ')})`,
      );
    }
    return { query, agents };
  }

  private async collect(rawQuery: unknown, pacer: Pacer): Promise<Collected> {
    const { query, agents } = await this.resolve(rawQuery);
    const started = performance.now();
    const settings = this.current.settings;
    const { conversations: loaded, stats } = await loadConversations(this.deps.database, {
      from: query.from,
      to: query.to,
      spamRules: settings.spam,
      pacer,
    });
    const { tiers, defaultTier } = this.tierOptions();
    const resolvedTier = (t: string | null) => (t !== null && t in tiers ? t : defaultTier);
    const calendars = new CalendarCache(settings.calendar, settings.groupCalendars);
    const excluded = { outsideBusinessHours: 0, otherFilters: 0 };
    const events: ReportEvent[] = [];
    const conversations: LoadedConversation[] = [];
    for (const c of loaded.values()) {
      if (pacer.due()) await pacer.turn();
      if (query.channel !== undefined && c.channel !== query.channel) {
        excluded.otherFilters++;
        continue;
      }
      if (query.tier !== undefined && resolvedTier(c.tier) !== query.tier) {
        excluded.otherFilters++;
        continue;
      }
      const finished = finishEvents(c);
      if (
        query.agent !== undefined &&
        !finished.some((e) => e.agentId === query.agent || e.fromAgentId === query.agent)
      ) {
        excluded.otherFilters++;
        continue;
      }
      if (query.businessHours && !isSpam(c)) {
        const first = firstCustomerAt(finished);
        if (first !== null && !calendars.isOpen(c.group, first)) {
          excluded.outsideBusinessHours++;
          continue;
        }
      }
      c.events = finished;
      c.groupTransfers = undefined;
      conversations.push(c);
      for (const e of finished) events.push(e);
    }
    const testAgentIds = [...agents.values()].filter((a) => a.test).map((a) => a.id);
    const presence = await loadPresence(this.db, {
      from: query.from,
      to: Math.min(query.to, this.deps.clock()),
      ...(query.agent !== undefined ? { agentId: query.agent } : {}),
    });
    return {
      query,
      events,
      conversations,
      presence,
      agents,
      testAgentIds,
      excluded,
      load: { ...stats, ms: performance.now() - started },
    };
  }

  /**
   * The conversations of the period as columnar facts: settled blocks for the days settled so far,
   * and the event log (measured now, by the same code) from the horizon on and for pending
   * conversations. Filters as in `collect`, in the same order, so `excluded` counts the same.
   */
  private async collectFacts(rawQuery: unknown, pacer: Pacer): Promise<CollectedFacts> {
    const { query, agents } = await this.resolve(rawQuery);
    const started = performance.now();
    const settings = this.current.settings;
    const testAgentIds = [...agents.values()].filter((a) => a.test).map((a) => a.id);
    const context = this.factContext(testAgentIds);
    const fromLog = this.deps.useSettledFacts === false;
    // The settler's numbering while its blocks are in use; a report from the log alone numbers its own.
    const read: SettledRead = fromLog
      ? {
          settled: [],
          pending: [],
          horizon: Number.NEGATIVE_INFINITY,
          blocks: 0,
          strings: new StringIds(),
        }
      : await this.settler.read(query.from, query.to, context, pacer);
    const ids = read.strings;
    let loaded = new Map<string, LoadedConversation>();
    let rowsScanned = 0;
    const recentIds = [...read.pending];
    if (read.horizon < query.to) {
      if (query.to - read.horizon <= DAY_MS) {
        // Settled up to minutes ago: the conversations started since, by their rows.
        for (const c of await conversationsStartedIn(this.deps.database, read.horizon, query.to))
          recentIds.push(c.id);
      } else {
        // Little or nothing settled: one range scan over the period, as before.
        const r = await loadConversations(this.deps.database, {
          from: Math.max(query.from, read.horizon),
          to: query.to,
          spamRules: settings.spam,
          pacer,
        });
        loaded = r.conversations;
        rowsScanned = r.stats.rowsScanned;
      }
    }
    const recent = await this.settler.current(
      recentIds.filter((id) => !loaded.has(id)),
      context,
      pacer,
      ids,
    );
    const measured: SettledConversation[] = [];
    for (const c of loaded.values()) {
      const s = settledOf(c, testAgentIds);
      if (s) measured.push(s);
      if (pacer.due()) await pacer.turn();
    }
    // Pending facts stored when their day was settled: rows of their blocks, read as they are.
    const storedRows = new Map<ColumnBlock, number[]>();
    for (const s of recent.values()) {
      if (s === null) continue;
      if (!isStoredRow(s)) {
        if (hasCustomerMessageIn(s.facts, query.from, query.to)) measured.push(s);
      } else if (rowHasCustomerMessageIn(s.block.columns, s.row, query.from, query.to)) {
        const rows = storedRows.get(s.block);
        if (rows) rows.push(s.row);
        else storedRows.set(s.block, [s.row]);
      }
      if (pacer.due()) await pacer.turn();
    }
    // Measured now: as blocks of 1 000, one at a time (the same rows in the same order; one part even
    // when empty, as before).
    const parts: ColumnPart[] = [];
    for (let i = 0; i < Math.max(measured.length, 1); i += FRESH_BLOCK) {
      const list = measured.slice(i, i + FRESH_BLOCK);
      const fresh = columnsOf(list, ids);
      if (fromLog) this.sources.set(fresh, list);
      parts.push({ columns: fresh, rows: null });
      await pacer.pace();
    }
    // Counted as measured, not as settled: whether they come from the store or the log depends on the process.
    for (const [block, rows] of storedRows) {
      const sorted = Int32Array.from(rows).sort();
      parts.push({ columns: block.columns, rows: sorted.length === block.columns.size ? null : sorted });
      await pacer.pace();
    }
    // Read from the log as well (it reached past the horizon): the log's version is the one used.
    // Pending and recent conversations are never in the blocks read with them (settled-facts.ts).
    let settled = 0;
    for (const s of read.settled) {
      let rows = s.rows;
      if (loaded.size > 0) {
        const blockIds = s.block.conversationIds();
        const all = rows ?? Int32Array.from({ length: s.block.columns.size }, (_, i) => i);
        rows = all.filter((i) => !loaded.has(blockIds[i]!));
        await pacer.pace();
      }
      settled += rows === null ? s.block.columns.size : rows.length;
      parts.push({ columns: s.block.columns, rows });
    }

    const { tiers, defaultTier } = this.tierOptions();
    const calendars = new CalendarCache(settings.calendar, settings.groupCalendars);
    const excluded = { outsideBusinessHours: 0, otherFilters: 0 };
    const filtered = await filterParts(parts, ids, query, pacer, {
      tierOf: (t) => (t !== null && t in tiers ? t : defaultTier),
      isOpen: (group, at) => calendars.isOpen(group, at),
      excluded,
    });
    const presence = await loadPresence(this.db, {
      from: query.from,
      to: Math.min(query.to, this.deps.clock()),
      ...(query.agent !== undefined ? { agentId: query.agent } : {}),
    });
    return {
      query,
      parts: filtered,
      ids,
      presence,
      agents,
      testAgentIds,
      excluded,
      load: {
        ms: performance.now() - started,
        rowsScanned,
        settled,
        blocks: read.blocks,
        horizon: read.horizon,
      },
    };
  }

  /**
   * The old path's fact objects by the columns built from them: a report from the log alone is
   * tallied by `tallyFacts` over the objects, the engine every other path is checked against.
   */
  private readonly sources = new WeakMap<FactColumns, SettledConversation[]>();

  /** The engine's tally of some parts, in steps (pacer.ts: the event loop gets its turns). */
  private async tally(
    c: CollectedFacts,
    parts: readonly ColumnPart[],
    options: ReportOptionsInput,
    pacer: Pacer,
    presence?: AgentOnlineInterval[],
  ): Promise<Report> {
    const testAgents = [...c.testAgentIds].sort();
    if (this.fromObjects(parts)) {
      const conversations: ConversationFacts[] = [];
      for (const p of parts) {
        const list = this.sources.get(p.columns)!;
        if (p.rows === null) for (const s of list) conversations.push(s.facts);
        else for (const i of p.rows) conversations.push(list[i]!.facts);
        await pacer.pace();
      }
      return engine(pacer, tallyFactsSteps({ conversations, testAgents }, options, presence));
    }
    return engine(pacer, tallyColumnsSteps(parts, c.ids, testAgents, options, presence));
  }

  /** Parts of a report from the log alone: tallied from their objects by the original engine. */
  private fromObjects(parts: readonly ColumnPart[]): boolean {
    return parts.every((p) => this.sources.has(p.columns));
  }

  private options(
    c: Pick<Collected, 'query' | 'testAgentIds'>,
    period?: { from: number; to: number },
  ): ReportOptionsInput {
    return {
      timeZone: c.query.timeZone,
      from: period?.from ?? c.query.from,
      to: period?.to ?? c.query.to,
      ...this.tierOptions(),
      testAgentIds: c.testAgentIds,
    };
  }

  /**
   * Runs the last day's summary and drops it, once after a start: the first monthly report then
   * runs the tally's code compiled, not interpreted (a first report's tally took 1.5–1.9× as long
   * as the next one's on the same blocks; docs/benchmarks.md §7). Plain and grouped by day (the
   * dashboard's), whose merging code is its own (report-by-day.ts).
   */
  async warmCode(): Promise<void> {
    const now = this.deps.clock();
    const lastDay = { from: new Date(now - 86_400_000).toISOString(), to: new Date(now).toISOString() };
    await this.summary(lastDay);
    await this.summary({ ...lastDay, groupBy: 'day' });
  }

  async summary(rawQuery: unknown): Promise<Summary> {
    const pacer = this.pacer();
    const c = await this.collectFacts(rawQuery, pacer);
    const q = c.query;
    const started = performance.now();
    let report: Report;
    let groups: SummaryGroup[] | null = null;
    if (q.groupBy === 'day') ({ report, groups } = await this.byDay(c, pacer));
    else report = await this.tally(c, c.parts, this.options(c), pacer, c.presence);
    const presenceSince = await this.presenceLoggedSince();
    withheldOnlineFigures(report, c.agents, q.from, presenceSince);
    let conversion: ConversionFigures | null = null;
    if (await this.hasOrders()) conversion = await this.conversion(c, pacer);

    if (q.groupBy === 'agent') {
      groups = report.agents.map((a) => ({
        key: a.agentId,
        name: c.agents.get(a.agentId)?.name ?? a.agentId,
        figures: a,
        conversion: conversion?.agents.find((x) => x.agentId === a.agentId) ?? null,
      }));
    } else if (q.groupBy === 'tier' || q.groupBy === 'channel') {
      const { tiers, defaultTier } = this.tierOptions();
      const names = c.ids.names;
      const keyOf =
        q.groupBy === 'tier'
          ? (x: FactColumns, i: number) => {
              const t = x.rowTier[i]!;
              return t >= 0 && names[t]! in tiers ? names[t]! : defaultTier;
            }
          : (x: FactColumns, i: number) => names[x.channel[i]!]!;
      const split = new Map<string, Map<FactColumns, number[]>>();
      if (q.groupBy === 'tier') for (const t of Object.keys(tiers)) split.set(t, new Map());
      await forEachRow(c.parts, pacer, (columns, i) => {
        const key = keyOf(columns, i);
        let byBlock = split.get(key);
        if (!byBlock) {
          byBlock = new Map();
          split.set(key, byBlock);
        }
        let rows = byBlock.get(columns);
        if (!rows) {
          rows = [];
          byBlock.set(columns, rows);
        }
        rows.push(i);
      });
      groups = [];
      for (const [key, byBlock] of split)
        groups.push({ key, ...slim(await this.tally(c, partsOf(byBlock), this.options(c), pacer)) });
    }

    const names: Record<string, AgentName> = {};
    for (const [id, a] of c.agents) names[id] = { name: a.name, login: a.login, test: a.test };
    let events = 0;
    let conversations = 0;
    await forEachRow(c.parts, pacer, (columns, i) => {
      events += columns.events[i]!;
      conversations++;
    });
    return {
      period: {
        from: new Date(q.from).toISOString(),
        to: new Date(q.to).toISOString(),
        timeZone: q.timeZone,
      },
      filters: {
        agent: q.agent ?? null,
        tier: q.tier ?? null,
        channel: q.channel ?? null,
        hours: q.businessHours ? 'business' : 'all',
      },
      generatedAt: new Date(this.deps.clock()).toISOString(),
      report,
      agentNames: names,
      groupBy: q.groupBy ?? null,
      groups,
      conversion,
      presenceLoggedSince: presenceSince === null ? null : new Date(presenceSince).toISOString(),
      excluded: c.excluded,
      timing: {
        loadMs: Math.round(c.load.ms),
        computeMs: Math.round(performance.now() - started),
        events,
        conversations,
        rowsScanned: c.load.rowsScanned,
        settledConversations: c.load.settled,
      },
    };
  }

  /**
   * The period's report and one group per local day, each day's figures exactly a report for that
   * day alone: from settled facts in one tally (report-by-day.ts: each conversation's work done
   * once, the period's figures merged from the days'); from the log alone (the reference) the
   * period's tally and then one tally per day, as the engine was always run.
   */
  private async byDay(c: CollectedFacts, pacer: Pacer): Promise<{ report: Report; groups: SummaryGroup[] }> {
    const group = (day: PeriodDay, report: Report): SummaryGroup => ({
      key: day.date,
      from: new Date(day.from).toISOString(),
      to: new Date(day.to).toISOString(),
      ...slim(report),
    });
    if (!this.fromObjects(c.parts)) {
      const testAgents = [...c.testAgentIds].sort();
      const r = await engine(
        pacer,
        tallyColumnsByDaySteps(c.parts, c.ids, testAgents, this.options(c), c.presence),
      );
      return { report: r.report, groups: r.days.map((d) => group(d, d.report)) };
    }
    const report = await this.tally(c, c.parts, this.options(c), pacer, c.presence);
    const zone = createZoneClock(c.query.timeZone);
    const days = daysOfPeriod(c.query.from, c.query.to, zone);
    const rowsOfDay = await pacer.run(rowsByDaySteps(c.parts, days, zone));
    const groups: SummaryGroup[] = [];
    for (const [d, day] of days.entries())
      groups.push(group(day, await this.tally(c, rowsOfDay[d]!, this.options(c, day), pacer)));
    return { report, groups };
  }

  private async presenceLoggedSince(): Promise<number | null> {
    const r = await this.db
      .selectFrom('agent_presence')
      .select((eb) => eb.fn.min('at').as('at'))
      .executeTakeFirst();
    return r?.at === null || r?.at === undefined ? null : Number(r.at);
  }

  private async hasOrders(): Promise<boolean> {
    const r = await this.db.selectFrom('orders').select('order_id').limit(1).executeTakeFirst();
    return r !== undefined;
  }

  private async conversion(c: CollectedFacts, pacer: Pacer): Promise<ConversionFigures> {
    const q = c.query;
    const windowMs = q.conversionHours * 3_600_000;
    const orders: OrderLite[] = (
      await this.db
        .selectFrom('orders')
        .select(['order_id', 'customer_key', 'paid_at', 'amount_cents'])
        .where('paid_at', '>=', q.from)
        .where('paid_at', '<', q.to + windowMs)
        .orderBy('paid_at')
        .orderBy('order_id')
        .execute()
    ).map((o) => ({ ...o, paid_at: Number(o.paid_at), amount_cents: Number(o.amount_cents) }));
    const names = c.ids.names;
    const measured: ConversationStart[] = [];
    await forEachRow(c.parts, pacer, (x, i) => {
      if (x.status[i] !== 0) return;
      const writers: string[] = [];
      for (let w = x.writerStart[i]!, end = x.writerStart[i + 1]!; w < end; w++)
        writers.push(names[x.writer[w]!]!);
      const serving = x.servingAgent[i]!;
      measured.push({
        customerId: names[x.customer[i]!]!,
        startAt: x.startAt[i]!,
        servingAgentId: serving < 0 ? null : names[serving]!,
        writers,
      });
    });
    return pacer.run(conversionSteps(measured, { from: q.from, to: q.to }, orders, q.conversionHours));
  }

  /** Overall row, then one row per group (per agent unless `groupBy` says otherwise). */
  async summaryCsv(rawQuery: unknown): Promise<string> {
    const raw = (rawQuery ?? {}) as Record<string, unknown>;
    const s = await this.summary({ groupBy: 'agent', ...raw });
    const o = s.report.overall;
    const lines: Cell[][] = [
      [
        'overall',
        '',
        '',
        o.conversations,
        o.conversationsAwaitingHuman,
        o.firstResponseSeconds.median,
        o.firstHumanResponseSeconds.count,
        o.firstHumanResponseSeconds.median,
        o.firstHumanResponseSeconds.mean,
        o.firstHumanResponseSeconds.p90,
        o.firstHumanResponseSeconds.unanswered,
        o.averageResponseSeconds,
        o.replies,
        o.reactionSeconds.median,
        o.transfers,
        o.transfers,
        o.overdue,
        null,
        null,
        s.conversion?.customersAsked,
        s.conversion?.buyers,
        s.conversion?.rate,
      ],
    ];
    for (const g of s.groups ?? []) {
      if (g.figures) {
        const a = g.figures;
        lines.push([
          'agent',
          g.key,
          g.name,
          a.chatsServed,
          null,
          null,
          a.firstResponseSeconds.count,
          a.firstResponseSeconds.median,
          a.firstResponseSeconds.mean,
          a.firstResponseSeconds.p90,
          null,
          a.averageResponseSeconds,
          a.replies,
          a.reactionSeconds.median,
          a.transfersIn,
          a.transfersOut,
          a.overdue,
          a.onlineHours,
          a.chatsPerOnlineHour,
          g.conversion?.customersServed,
          g.conversion?.buyers,
          g.conversion?.rate,
        ]);
      } else if (g.overall) {
        const x = g.overall;
        lines.push([
          s.groupBy ?? '',
          g.key,
          '',
          x.conversations,
          x.conversationsAwaitingHuman,
          x.firstResponseSeconds.median,
          x.firstHumanResponseSeconds.count,
          x.firstHumanResponseSeconds.median,
          x.firstHumanResponseSeconds.mean,
          x.firstHumanResponseSeconds.p90,
          x.firstHumanResponseSeconds.unanswered,
          x.averageResponseSeconds,
          x.replies,
          x.reactionSeconds.median,
          x.transfers,
          x.transfers,
          x.overdue,
          null,
          null,
          null,
          null,
          null,
        ]);
      }
    }
    return [SUMMARY_CSV_COLUMNS.join(','), ...lines.map((l) => l.map(csvCell).join(','))].join('\n') + '\n';
  }

  /** One row per conversation started in the period. */
  async conversationsCsv(rawQuery: unknown): Promise<Iterable<string>> {
    const pacer = this.pacer();
    const c = await this.collect(rawQuery, pacer);
    const { tiers, defaultTier } = this.tierOptions();
    const prepared = await pacer.run(
      prepareConversationsSteps(c.events, {
        testAgentIds: c.testAgentIds,
        tierNames: new Set(Object.keys(tiers)),
        defaultTier,
      }),
    );
    const byId = new Map<string, LoadedConversation>();
    for (const x of c.conversations) {
      byId.set(x.id, x);
      if (pacer.due()) await pacer.turn();
    }
    const rows = await pacer.run(
      conversationRowsSteps(prepared.conversations, { from: c.query.from, to: c.query.to }, (id) => {
        const x = byId.get(id);
        return x ? { channel: x.channel, closedAt: x.status === 'closed' ? x.closedAt : null } : undefined;
      }),
    );
    return conversationCsvLines(rows, c.query.timeZone, (id) => c.agents.get(id)?.name ?? id);
  }

  /** A supervisor's spam verdict: true removes the conversation from every figure, false keeps it in despite the rule. */
  async setSpam(
    conversationId: string,
    spam: boolean,
    by: string,
  ): Promise<{ conversationId: string; spam: boolean }> {
    const chat = await this.db
      .selectFrom('conversations')
      .select(['id', 'customer_key', 'channel'])
      .where('id', '=', conversationId)
      .executeTakeFirst();
    if (!chat) throw new HttpError(404, 'not_found', `no conversation ${conversationId}`);
    const at = this.deps.clock();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('report_flags')
        .values({ conversation_id: chat.id, spam: spam ? 1 : 0, agent_id: by, at })
        .onConflict((oc) =>
          oc.column('conversation_id').doUpdateSet({ spam: spam ? 1 : 0, agent_id: by, at }),
        )
        .execute();
      // In the log too, so the conversation's history says who flagged it and when.
      await insertEvent(trx as never, chat, 'conversation.spam_flagged', at, by, { spam });
    });
    return { conversationId: chat.id, spam };
  }

  /** Stores a paid order (idempotent by order id) for conversion figures. */
  async recordOrder(body: unknown): Promise<{ status: 200 | 201; body: Record<string, unknown> }> {
    const o = parseWith(orderSchema, body);
    const paidAt = typeof o.paidAt === 'number' ? o.paidAt : Date.parse(o.paidAt);
    if (paidAt > this.deps.clock() + 86_400_000)
      throw fieldError('paidAt', 'is more than a day in the future');
    // By primary key only: the id as given, or prefixed with each channel (`web:…`, `telegram:…`).
    const candidates = [o.customerId, ...CUSTOMER_CHANNELS.map((c) => `${c}:${o.customerId}`)];
    const customers = await this.db
      .selectFrom('customers')
      .select(['key'])
      .where('key', 'in', candidates)
      .execute();
    const exact = customers.find((c) => c.key === o.customerId);
    if (!exact && customers.length > 1) {
      throw fieldError(
        'customerId',
        `"${o.customerId}" is a customer on several channels (${customers.map((c) => c.key).join(', ')}); send the full key`,
      );
    }
    const key = exact?.key ?? customers[0]?.key ?? o.customerId;
    const row = {
      order_id: o.orderId,
      customer_key: key,
      paid_at: paidAt,
      amount_cents: Math.round(o.amount * 100),
      created_at: this.deps.clock(),
    };
    const r = await this.db
      .insertInto('orders')
      .values(row)
      .onConflict((oc) => oc.column('order_id').doNothing())
      .executeTakeFirst();
    const out = {
      orderId: row.order_id,
      customerKey: key,
      paidAt: new Date(paidAt).toISOString(),
      amount: row.amount_cents / 100,
      knownCustomer: customers.length > 0,
    };
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) > 0)
      return { status: 201, body: { ...out, duplicate: false } };
    const existing = await this.db
      .selectFrom('orders')
      .selectAll()
      .where('order_id', '=', o.orderId)
      .executeTakeFirstOrThrow();
    if (
      existing.customer_key !== key ||
      Number(existing.paid_at) !== paidAt ||
      Number(existing.amount_cents) !== row.amount_cents
    ) {
      throw new HttpError(
        409,
        'order_conflict',
        `order ${o.orderId} was already recorded with other details`,
        [{ path: 'orderId', message: 'already recorded with another customer, time or amount' }],
      );
    }
    return { status: 200, body: { ...out, duplicate: true } };
  }
}

type Cell = string | number | null | undefined;

/**
 * Channels whose customers an order may name by their own id (customer keys are `<channel>:<id>`):
 * the HTTP channels and src/channels/bottender/config.ts `platformChannels` (not imported: that module
 * loads the platform configuration when imported).
 */
const CUSTOMER_CHANNELS = ['web', 'api', 'telegram', 'line', 'messenger', 'slack', 'viber', 'whatsapp'];

export const SUMMARY_CSV_COLUMNS = [
  'scope',
  'key',
  'name',
  'conversations',
  'awaitingHuman',
  'firstResponseMedianSeconds',
  'firstHumanResponseCount',
  'firstHumanResponseMedianSeconds',
  'firstHumanResponseMeanSeconds',
  'firstHumanResponseP90Seconds',
  'firstHumanResponseUnanswered',
  'averageResponseSeconds',
  'replies',
  'reactionMedianSeconds',
  'transfersIn',
  'transfersOut',
  'overdue',
  'onlineHours',
  'chatsPerOnlineHour',
  'customersAsked',
  'buyers',
  'conversionRate',
] as const;

/** What a day, tier or channel group keeps of its report. */
export function slim(r: Report): SlimReport {
  return {
    overall: r.overall,
    tiers: r.tiers,
    hours: r.hours.map((h) => ({
      hour: h.hour,
      arrivals: h.arrivals,
      humanArrivals: h.humanArrivals,
      firstResponseMedianSeconds: h.firstResponseMedianSeconds,
      firstHumanResponseMedianSeconds: h.firstHumanResponseMedianSeconds,
    })),
  };
}

/**
 * Time online is known only from the status log: for an agent who existed before the first logged
 * change, a period starting before it would show hours online too low and chats per hour too high.
 * Those two figures are left out for such agents (absent, never a wrong number).
 */
export function withheldOnlineFigures(
  report: Report,
  agents: ReadonlyMap<string, { createdAt: number }>,
  from: number,
  loggedSince: number | null,
): void {
  for (const a of report.agents) {
    const created = agents.get(a.agentId)?.createdAt;
    const covered =
      loggedSince !== null && (from >= loggedSince || (created !== undefined && created >= loggedSince));
    if (!covered) {
      delete a.onlineHours;
      delete a.chatsPerOnlineHour;
    }
  }
}

const DAY_MS = 86_400_000;
/** Conversations measured for a report, turned into columns a block at a time (tens of ms per 4 000 on a busy heap). */
const FRESH_BLOCK = 1000;

/** Runs engine steps with the pacer's turns; the engine's option errors become 400s naming the field. */
async function engine<T>(pacer: Pacer, steps: Steps<T>): Promise<T> {
  try {
    return await pacer.run(steps);
  } catch (e) {
    if (e instanceof ReportError) {
      const field = e.option === 'timeZone' ? 'tz' : (e.option ?? 'query');
      throw fieldError(field, e.message);
    }
    throw e;
  }
}

function fieldError(path: string, message: string): HttpError {
  return new HttpError(400, 'invalid_request', `${path}: ${message}`, [{ path, message }]);
}

function firstCustomerAt(events: readonly ReportEvent[]): number | null {
  let first: number | null = null;
  for (const e of events) {
    if ((e.kind ?? 'message') === 'message' && e.from === 'customer' && (first === null || e.at < first))
      first = e.at;
  }
  return first;
}

/** Opening hours by group calendar, cached per minute (Intl is too slow to ask a million times). */
class CalendarCache {
  private readonly cache = new Map<string, boolean>();
  constructor(
    private readonly shop: Calendar,
    private readonly groups: Record<string, Calendar>,
  ) {}

  isOpen(group: string | null, at: number): boolean {
    const calendar = (group !== null ? this.groups[group] : undefined) ?? this.shop;
    const key = `${group !== null && this.groups[group] ? group : ''}:${Math.floor(at / 60_000)}`;
    let open = this.cache.get(key);
    if (open === undefined) {
      open = isOpen(calendar, at);
      this.cache.set(key, open);
    }
    return open;
  }
}

/** Every selected row of every part, in order; the event loop gets its turns between parts. */
async function forEachRow(
  parts: readonly ColumnPart[],
  pacer: Pacer,
  fn: (columns: FactColumns, row: number) => void,
): Promise<void> {
  for (const p of parts) {
    if (p.rows === null) for (let i = 0; i < p.columns.size; i++) fn(p.columns, i);
    else for (const i of p.rows) fn(p.columns, i);
    await pacer.pace();
  }
}

/** Row lists by block → parts (blocks in the order first met). */
function partsOf(byBlock: ReadonlyMap<FactColumns, number[]>): ColumnPart[] {
  return [...byBlock].map(([columns, rows]) => ({ columns, rows: Int32Array.from(rows) }));
}

/**
 * The query's filters (channel, tier, agent, business hours) on columnar facts, in `collect`'s
 * order, counting what each leaves out.
 */
async function filterParts(
  parts: readonly ColumnPart[],
  ids: StringIds,
  query: ReportQuery,
  pacer: Pacer,
  how: {
    tierOf: (rowTier: string | null) => string;
    isOpen: (group: string | null, at: number) => boolean;
    excluded: { outsideBusinessHours: number; otherFilters: number };
  },
): Promise<ColumnPart[]> {
  const filtering =
    query.channel !== undefined ||
    query.tier !== undefined ||
    query.agent !== undefined ||
    query.businessHours;
  if (!filtering) return [...parts];
  const channel = query.channel === undefined ? -2 : ids.find(query.channel);
  const agent = query.agent === undefined ? -2 : ids.find(query.agent);
  const tierMatch = new Map<number, boolean>();
  const out: ColumnPart[] = [];
  for (const p of parts) {
    const c = p.columns;
    const keep: number[] = [];
    const n = p.rows === null ? c.size : p.rows.length;
    for (let k = 0; k < n; k++) {
      const i = p.rows === null ? k : p.rows[k]!;
      if (query.channel !== undefined && c.channel[i] !== channel) {
        how.excluded.otherFilters++;
        continue;
      }
      if (query.tier !== undefined) {
        const t = c.rowTier[i]!;
        let match = tierMatch.get(t);
        if (match === undefined) {
          match = how.tierOf(ids.name(t)) === query.tier;
          tierMatch.set(t, match);
        }
        if (!match) {
          how.excluded.otherFilters++;
          continue;
        }
      }
      if (query.agent !== undefined) {
        let found = false;
        for (let m = c.mentionStart[i]!, end = c.mentionStart[i + 1]!; m < end && !found; m++)
          found = c.mention[m] === agent;
        if (!found) {
          how.excluded.otherFilters++;
          continue;
        }
      }
      if (query.businessHours && c.status[i] !== 1) {
        const first = c.customerAtStart[i]!;
        if (first < c.customerAtStart[i + 1]! && !how.isOpen(ids.name(c.group[i]!), c.customerAt[first]!)) {
          how.excluded.outsideBusinessHours++;
          continue;
        }
      }
      keep.push(i);
    }
    out.push({ columns: c, rows: Int32Array.from(keep) });
    await pacer.pace();
  }
  return out;
}
