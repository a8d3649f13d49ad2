/**
 * Time for things that happen later (a quiz closing). Injected so tests can move time by
 * hand instead of waiting; the bot uses real timers.
 */

export interface Scheduler {
  /** Current time, ms since the epoch. */
  now(): number;
  /** Runs `task` at `time` (ms since the epoch), or at once if that has passed. Returns a cancel function. */
  at(time: number, task: () => unknown): () => void;
}

/** setTimeout caps delays at 2^31-1 ms (about 24.8 days); a longer one fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Real timers. They do not keep the process alive (the gateway connection does). */
export const realScheduler: Scheduler = {
  now: () => Date.now(),
  at(time, task) {
    let timer: NodeJS.Timeout;
    const arm = () => {
      const delay = time - Date.now();
      timer = setTimeout(() => (delay > MAX_TIMEOUT_MS ? arm() : void task()), Math.max(0, Math.min(delay, MAX_TIMEOUT_MS)));
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  },
};
