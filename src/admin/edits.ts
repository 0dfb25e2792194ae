import type { BotConfig, ConfigIssue } from '../bot-config/bot-config';
import type { AgentsTable } from '../store/tables';

/**
 * Pure helpers of the admin edits: how an issue path is shown, and the checks that need more than
 * the document (agents still in a group an edit removes).
 */

/**
 * A document path with list indexes replaced by ids, the way the version diff names things:
 * `intents.7.rules.0.any.2` → `intents.refund.rules.0.any.2`, `routing.tiers.0.rank` → `routing.tiers.urgent.rank`.
 */
export function readablePath(document: unknown, path: string): string {
  const parts = path.split('.');
  const idAt = (list: unknown, index: string): string | undefined => {
    if (!/^-?\d+$/.test(index) || !Array.isArray(list)) return undefined;
    const item = list[Number(index)] as { id?: unknown } | undefined;
    return typeof item?.id === 'string' ? item.id : undefined;
  };
  const doc = (document ?? {}) as { intents?: unknown; replies?: unknown; routing?: { tiers?: unknown } };
  const swap = (at: number, list: unknown) => {
    const index = parts[at];
    if (index === undefined) return;
    const id = idAt(list, index);
    if (id) parts[at] = id;
    else if (index === '-1') parts.splice(at, 1); // "the pack needs a greeting reply": no item to point at
  };
  if (parts[0] === 'intents') swap(1, doc.intents);
  else if (parts[0] === 'replies') swap(1, doc.replies);
  else if (parts[0] === 'routing' && parts[1] === 'tiers') swap(2, doc.routing?.tiers);
  return parts.join('.');
}

export function readableIssues(
  document: unknown,
  issues: readonly ConfigIssue[],
  prefix = '',
): ConfigIssue[] {
  return issues.map((i) => ({ path: `${prefix}${readablePath(document, i.path)}`, message: i.message }));
}

/** Groups an edit removes while agents still belong to them: the agents would silently get no chats. */
export function removedGroupIssues(
  before: BotConfig,
  after: BotConfig,
  agents: readonly Pick<AgentsTable, 'login' | 'groups'>[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // `after` may not be validated yet (a whole document from a client): read it defensively.
  const groups = (after as { routing?: { groups?: unknown } } | undefined)?.routing?.groups;
  if (!groups || typeof groups !== 'object') return issues;
  for (const group of Object.keys(before.routing.groups)) {
    if (Object.hasOwn(groups, group)) continue;
    const members = agents
      .filter((a) => (JSON.parse(a.groups) as string[]).includes(group))
      .map((a) => a.login);
    if (members.length) {
      issues.push({
        path: `routing.groups.${group}`,
        message: `group "${group}" still has agents (${members.join(', ')}); move them to another group first`,
      });
    }
  }
  return issues;
}

/** Replaces the item with `item.id` in a list, or appends it; true when it was new. */
export function upsertById<T extends { id: string }>(list: T[], item: T): boolean {
  const i = list.findIndex((x) => x.id === item.id);
  if (i >= 0) list[i] = item;
  else list.push(item);
  return i < 0;
}

/** Removes the item with `id`; false when there was none. */
export function removeById<T extends { id: string }>(list: T[], id: string): boolean {
  const i = list.findIndex((x) => x.id === id);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}
