import type { HandoffPort } from '../inbound/handoff';
import type { DeadlineWatcher } from './deadline-watcher';
import type { Router } from './router';
import type { RoutingStore } from './routing-store';
import { tierOf } from './tier-of';

/** Routing as the message path sees it (the HandoffPort). */
export function routingHandoff(
  router: Router,
  watcher: DeadlineWatcher,
  store: RoutingStore,
  clock: () => number,
): HandoffPort {
  return {
    tierFor: (input) => tierOf(input, router.config).tier,
    groupFor: (group) => (group && router.config.groups[group] ? group : router.config.defaultGroup),
    queueKey: (tier, at) => router.queueKey(tier, at),
    deadlines: (tier, since) => router.deadlines(tier, since),
    estimate: (queueKey) => router.estimate(queueKey),
    changed(chat, { queued, wasOnHold }) {
      if (queued) void router.kick();
      if (wasOnHold) {
        void store.unhold(chat.id, clock()).then(async (resumed) => {
          if (resumed) await router.kick();
        });
      }
      watcher.schedule(chat.overdue_due_at);
    },
  };
}
