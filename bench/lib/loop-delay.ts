import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * For the server children: event-loop delay (how long ready work waited because the loop was busy
 * with something synchronous). On SIGUSR2 prints `{"loopDelay":{…ms}}` for the time since the last
 * report and starts over; the parent asks at the end of each load phase.
 */
export function reportLoopDelayOnSignal(): void {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  process.on('SIGUSR2', () => {
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const loopDelay = {
      p50: ms(h.percentile(50)),
      p99: ms(h.percentile(99)),
      max: ms(h.max),
      mean: ms(h.mean),
    };
    process.stdout.write(`${JSON.stringify({ loopDelay })}\n`);
    h.reset();
  });
}
