import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords';
import type { Database } from '../store/database';
import type { AgentsTable } from '../store/tables';
import { levelIds, type RoutingConfig } from './routing-config';

export const agentStatuses = ['online', 'away', 'invisible', 'offline'] as const;
export const roles = ['agent', 'supervisor', 'admin'] as const;

export const newAgentSchema = z.strictObject({
  login: z
    .string()
    .trim()
    .min(2)
    .max(64)
    .regex(/^[\w.@-]+$/, 'letters, digits and . _ @ - only'),
  name: z.string().trim().min(1).max(64),
  password: z.string().min(8, 'at least 8 characters').max(200),
  role: z.enum(roles).default('agent'),
  level: z.enum(levelIds).default('trainee'),
  rank: z.number().int().min(0).max(10_000).default(100),
  /** Absent: the level's default cap. 0 = receives no chats. */
  cap: z.number().int().min(0, 'a cap cannot be below 0').max(200).optional(),
  groups: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*$/))
    .max(20)
    .default([]),
  test: z.boolean().default(false),
});
export type NewAgent = z.input<typeof newAgentSchema>;

export const agentPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(64).optional(),
  role: z.enum(roles).optional(),
  level: z.enum(levelIds).optional(),
  rank: z.number().int().min(0).max(10_000).optional(),
  cap: z.number().int().min(0, 'a cap cannot be below 0').max(200).optional(),
  groups: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*$/))
    .max(20)
    .optional(),
  test: z.boolean().optional(),
  password: z.string().min(8, 'at least 8 characters').max(200).optional(),
});

/** Agents, supervisors and admins: the people who log in. */
export class AgentDirectory {
  constructor(
    private readonly database: Database,
    private readonly config: () => RoutingConfig,
    private readonly clock: () => number,
  ) {}

  async create(input: NewAgent): Promise<AgentsTable> {
    const a = newAgentSchema.parse(input);
    for (const g of a.groups) if (!this.config().groups[g]) throw new UnknownGroup(g);
    const now = this.clock();
    const row: AgentsTable = {
      id: randomUUID(),
      login: a.login,
      name: a.name,
      password_hash: await hashPassword(a.password),
      role: a.role,
      level: a.level,
      rank: a.rank,
      cap: a.cap ?? this.config().levels[a.level].cap,
      groups: JSON.stringify(a.groups),
      test: a.test ? 1 : 0,
      status: 'offline',
      active_count: 0,
      last_assigned_at: null,
      status_changed_at: now,
      overdue_in_row: 0,
      created_at: now,
    };
    await this.database.db.insertInto('agents').values(row).execute();
    return row;
  }

  async update(id: string, patch: z.infer<typeof agentPatchSchema>): Promise<AgentsTable | undefined> {
    for (const g of patch.groups ?? []) if (!this.config().groups[g]) throw new UnknownGroup(g);
    const { password, groups, test, ...rest } = patch;
    const set: Partial<AgentsTable> = { ...rest };
    if (groups) set.groups = JSON.stringify(groups);
    if (test !== undefined) set.test = test ? 1 : 0;
    if (password) set.password_hash = await hashPassword(password);
    if (Object.keys(set).length)
      await this.database.db.transaction().execute(async (trx) => {
        await trx.updateTable('agents').set(set).where('id', '=', id).execute();
        // A new password ends every session signed in with the old one.
        if (password) await trx.deleteFrom('sessions').where('agent_id', '=', id).execute();
      });
    return this.database.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * The first start creates an admin: password from ADMIN_PASSWORD, or a random one-time password
   * printed once. There is never a fixed default password.
   */
  async ensureAdmin(
    password: string | undefined,
    announce: (login: string, password: string) => void,
  ): Promise<void> {
    const any = await this.database.db
      .selectFrom('agents')
      .select('id')
      .where('role', '=', 'admin')
      .executeTakeFirst();
    if (any) return;
    const pw = password ?? randomBytes(12).toString('base64url');
    await this.create({
      login: 'admin',
      name: 'Admin',
      password: pw,
      role: 'admin',
      level: 'supervisor',
      cap: 0,
    });
    if (!password) announce('admin', pw);
  }
}

export class UnknownGroup extends Error {
  constructor(readonly group: string) {
    super(`group "${group}" is not defined in the routing rules`);
  }
}

/** What an agent row may show to others (never the password hash). */
export function publicAgent(a: AgentsTable) {
  return {
    id: a.id,
    login: a.login,
    name: a.name,
    role: a.role,
    level: a.level,
    rank: a.rank,
    cap: a.cap,
    groups: JSON.parse(a.groups) as string[],
    test: a.test === 1,
    status: a.status,
    activeChats: a.active_count,
    lastAssignedAt: a.last_assigned_at,
    statusChangedAt: a.status_changed_at,
    overdueInRow: a.overdue_in_row,
  };
}
