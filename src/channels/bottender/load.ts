import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let bottenderModule: typeof import('bottender') | undefined;
let commonModule: typeof import('messaging-api-common') | undefined;

/**
 * bottender with its platform clients, loaded on first use: only a process with a platform channel
 * enabled pays for it (with messaging-api-common ~20 MB of RSS and 14 MB of heap here;
 * docs/benchmarks.md §3). Both packages are CommonJS, so a synchronous require serves the adapters'
 * synchronous set-up.
 */
export function bottender(): typeof import('bottender') {
  bottenderModule ??= require('bottender') as typeof import('bottender');
  return bottenderModule;
}

/** messaging-api-common (bottender's helpers), loaded on first use too. */
export function messagingCommon(): typeof import('messaging-api-common') {
  commonModule ??= require('messaging-api-common') as typeof import('messaging-api-common');
  return commonModule;
}
