import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../store/database';
import type { AgentsTable } from '../store/tables';
import { verifyPassword } from './passwords';

const TTL_MS = 12 * 3600 * 1000;
const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Bearer tokens for agents, supervisors and admins; only their hash is stored. */
export class Sessions {
  constructor(
    private readonly database: Database,
    private readonly clock: () => number,
  ) {}

  async login(login: string, password: string): Promise<{ token: string; agent: AgentsTable } | undefined> {
    const agent = await this.database.db
      .selectFrom('agents')
      .selectAll()
      .where('login', '=', login)
      .executeTakeFirst();
    // Verify against a dummy hash for unknown logins too, so timing does not reveal which exist.
    const ok = await verifyPassword(password, agent?.password_hash ?? DUMMY_HASH);
    if (!agent || !ok) return undefined;
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    await this.database.db
      .insertInto('sessions')
      .values({ token_hash: hash(token), agent_id: agent.id, created_at: now, expires_at: now + TTL_MS })
      .execute();
    return { token, agent };
  }

  async authenticate(token: string | undefined): Promise<AgentsTable | undefined> {
    if (!token) return undefined;
    const row = await this.database.db
      .selectFrom('sessions')
      .innerJoin('agents', 'agents.id', 'sessions.agent_id')
      .selectAll('agents')
      .select('sessions.expires_at')
      .where('sessions.token_hash', '=', hash(token))
      .executeTakeFirst();
    if (!row || row.expires_at < this.clock()) return undefined;
    const { expires_at: _, ...agent } = row;
    return agent;
  }

  async logout(token: string): Promise<void> {
    await this.database.db.deleteFrom('sessions').where('token_hash', '=', hash(token)).execute();
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
