/**
 * The V8 flags the server runs with: `npm start` passes them (package.json), bench/lib/child.ts
 * starts the benchmarks' server with them, and test/unit/server-flags.test.ts checks the two agree.
 *
 * `--heap-growing-percent=300`: the old generation may grow to 4× what survived the last full GC
 * before the next one (V8 otherwise picks its own factor, lower at our heap sizes). Each message
 * replaces the customer's and conversation's kept rows, so under steady load the old generation
 * fills with rows a few seconds old, and full GCs every ~3 s paused the event loop 12–13 ms: the
 * top of the latency distribution. With the flag, p99 at 4 612 messages a second stayed under 6 ms
 * in 6 runs of 6, against over 10 ms in 3 of 6 without (docs/benchmarks.md §2), at the price of a
 * larger heap between full GCs.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--heap-growing-percent=300'];
