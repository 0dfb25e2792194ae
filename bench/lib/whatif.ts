import { ConversationStore } from '../../src/store/conversation-store';
import { Router } from '../../src/routing/router';
import { toAgentView } from '../../src/routing/routing-store';

/**
 * What-if patches for diagnosis, applied at run time (src/ is not edited). Never on by default: the
 * published figures measure the shipped code. BENCH_WHATIF=router (or --whatif-router) enables:
 *
 * router — Router.runOnce returns at once when no agent has a free slot, instead of first reading up
 * to 500 waiting chats (`select *` … `limit 500`, synchronous in better-sqlite3) and then finding no
 * one to assign them to. Shows what the suggested fix in src/routing/router.ts would buy.
 *
 * stub-pipeline (bench/lib/serve-app.ts only) — services.handleMessage answers a constant: measures
 * the app's HTTP layer (Express, routes, body reading, zod, JSON response) without the pipeline.
 */
export function applyWhatIfs(flags: string = process.env.BENCH_WHATIF ?? ''): string[] {
  const on = flags.split(',').filter(Boolean);
  if (on.includes('router')) {
    const runOnce = Router.prototype.runOnce;
    Router.prototype.runOnce = async function (this: Router) {
      const { store } = (
        this as unknown as { deps: { store: { agents(): Promise<Parameters<typeof toAgentView>[0][]> } } }
      ).deps;
      const agents = (await store.agents()).map(toAgentView);
      if (!agents.some((a) => a.status === 'online' && !a.test && a.active < a.cap)) return 0;
      return runOnce.call(this);
    };
  }
  if (on.includes('no-estimate')) {
    Router.prototype.estimate = async () => ({ queuePosition: 1, waitMinutes: 0 });
  }
  if (on.includes('no-write')) {
    (ConversationStore.prototype as unknown as { write: () => Promise<void> }).write = async () => {};
  }
  if (on.includes('no-load')) {
    ConversationStore.prototype.load = async () => ({});
  }
  return on;
}
