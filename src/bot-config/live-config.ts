import {
  type CompiledContent,
  compileContent,
  type ExtraSourceFactory,
  LiveContent,
} from '../content/live-content';
import type { Logger } from '../shared/log';
import { type BotConfig, type ConfigIssue, diffConfig, validateBotConfig } from './bot-config';
import type { ConfigVersions } from './config-versions';

export type PublishResult =
  | { ok: true; version: number; diff: ReturnType<typeof diffConfig> }
  | { ok: false; status: 409; message: string; currentVersion: number }
  | { ok: false; status: 422; issues: ConfigIssue[] };

/**
 * The live configuration: publish validates a whole document, stores it as the next version and
 * swaps the compiled result in; a rejected document changes nothing. Other instances pick the new
 * version up through `refresh()` (polled every second).
 */
export class LiveConfig {
  readonly content: LiveContent;

  private constructor(
    private readonly versions: ConfigVersions,
    initial: CompiledContent,
    private readonly extraSources: ExtraSourceFactory | undefined,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {
    this.content = new LiveContent(initial);
  }

  /** Loads the newest version, or stores `seed()` as version 1 on a fresh database. */
  static async open(
    versions: ConfigVersions,
    seed: () => BotConfig,
    extraSources: ExtraSourceFactory | undefined,
    clock: () => number,
    log: Logger,
  ): Promise<LiveConfig> {
    let latest = await versions.latestVersion();
    if (latest === 0) {
      const { config, issues } = validateBotConfig(seed());
      if (!config)
        throw new Error(
          `the shipped configuration is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
        );
      // Another instance starting at the same moment may seed first; either way version 1 exists after.
      await versions.insert(
        1,
        config,
        'files',
        'initial configuration from intents/ and replies/',
        [],
        clock(),
      );
      latest = 1;
    }
    const stored = (await versions.get(latest))!;
    return new LiveConfig(
      versions,
      compileContent(stored.document, latest, extraSources),
      extraSources,
      clock,
      log,
    );
  }

  get current(): CompiledContent {
    return this.content.current;
  }

  /** Compiles a document the way a publish would (drafts in the try-it box). */
  compile(document: BotConfig, version: number): CompiledContent {
    return compileContent(document, version, this.extraSources);
  }

  /** Validate, compile, store as the next version, then swap. Based on a stale version → 409. */
  async publish(
    input: unknown,
    baseVersion: number,
    author: string | null,
    summary: string | null,
  ): Promise<PublishResult> {
    const { config, issues } = validateBotConfig(input);
    if (!config) return { ok: false, status: 422, issues };
    const current = this.current;
    if (baseVersion !== current.version) {
      return {
        ok: false,
        status: 409,
        message: `edit based on version ${baseVersion}, but version ${current.version} is live`,
        currentVersion: current.version,
      };
    }
    // Compile before storing: a document that cannot compile never becomes a version.
    const compiled = compileContent(config, baseVersion + 1, this.extraSources);
    const diff = diffConfig(current.document, config);
    if (!(await this.versions.insert(baseVersion + 1, config, author, summary, diff, this.clock()))) {
      await this.refresh();
      return {
        ok: false,
        status: 409,
        message: `version ${baseVersion + 1} was published by someone else first`,
        currentVersion: this.current.version,
      };
    }
    this.content.swap(compiled);
    await this.versions.audit(
      author,
      'config.publish',
      { version: compiled.version, summary, changes: diff.length },
      this.clock(),
    );
    this.log.info('configuration published', { version: compiled.version, author, changes: diff.length });
    return { ok: true, version: compiled.version, diff };
  }

  /** Publishes an earlier version's document again, as a new version. */
  async restore(
    version: number,
    baseVersion: number,
    author: string | null,
  ): Promise<PublishResult | undefined> {
    const old = await this.versions.get(version);
    if (!old) return undefined;
    return this.publish(old.document, baseVersion, author, `restore version ${version}`);
  }

  /** Picks up versions published by other instances. */
  async refresh(): Promise<boolean> {
    const latest = await this.versions.latestVersion();
    if (latest <= this.current.version) return false;
    const stored = await this.versions.get(latest);
    if (!stored) return false;
    this.content.swap(compileContent(stored.document, latest, this.extraSources));
    return true;
  }
}
