import type { Database } from '../store/database';
import type { BotConfig } from './bot-config';

export interface VersionInfo {
  version: number;
  author: string | null;
  summary: string | null;
  createdAt: number;
}

/** The version history of the bot configuration. A version number is taken once: two writers racing for it both try, one wins. */
export class ConfigVersions {
  constructor(private readonly database: Database) {}

  async latestVersion(): Promise<number> {
    const r = await this.database.db
      .selectFrom('config_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .executeTakeFirst();
    return Number(r?.v ?? 0);
  }

  async get(version: number): Promise<{ info: VersionInfo; document: BotConfig; diff: unknown } | undefined> {
    const r = await this.database.db
      .selectFrom('config_versions')
      .selectAll()
      .where('version', '=', version)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      info: { version: r.version, author: r.author, summary: r.summary, createdAt: r.created_at },
      document: JSON.parse(r.document) as BotConfig,
      diff: r.diff ? JSON.parse(r.diff) : [],
    };
  }

  async list(limit = 100): Promise<VersionInfo[]> {
    const rows = await this.database.db
      .selectFrom('config_versions')
      .select(['version', 'author', 'summary', 'created_at'])
      .orderBy('version', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      version: r.version,
      author: r.author,
      summary: r.summary,
      createdAt: r.created_at,
    }));
  }

  /** Stores `version`; false when that number is already taken (someone published first). */
  async insert(
    version: number,
    document: BotConfig,
    author: string | null,
    summary: string | null,
    diff: unknown,
    at: number,
  ): Promise<boolean> {
    const r = await this.database.db
      .insertInto('config_versions')
      .values({
        version,
        document: JSON.stringify(document),
        author,
        summary,
        diff: JSON.stringify(diff),
        created_at: at,
      })
      .onConflict((oc) => oc.column('version').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async audit(actor: string | null, action: string, detail: unknown, at: number): Promise<void> {
    await this.database.db
      .insertInto('audit_log')
      .values({ at, actor, action, detail: detail === undefined ? null : JSON.stringify(detail) })
      .execute();
  }
}
