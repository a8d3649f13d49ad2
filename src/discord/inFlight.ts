/**
 * The work the bot has accepted and not finished (interactions, questions in messages), so
 * that stopping can wait for it: a bot told to stop refuses new work politely, gives what it
 * started a bounded grace period, then tells whoever is still waiting that it is restarting.
 */

/** Said to whoever asks while the bot is stopping, and to whoever it could not answer in time. */
export const RESTARTING_MESSAGE = 'Verbatim is restarting and could not answer this. Please ask again in a minute.';

/** How long a stopping bot waits for the work it started (systemd waits 90 s, Docker 10 s). */
export const SHUTDOWN_GRACE_MS = 7000;
/** How long the notices sent while stopping may take, at most, before the connection closes. */
const NOTICE_GRACE_MS = 2000;

interface Work {
  /** Tells the user the bot is restarting (used when the grace period runs out). */
  abandon(): Promise<void>;
}

export class InFlightWork {
  private readonly work = new Map<Promise<unknown>, Work>();
  /** "Restarting" notices sent to work that came in while stopping: the stop waits for them too. */
  private readonly notices = new Set<Promise<void>>();
  private stopped = false;

  /** Whether the bot has stopped accepting new work. */
  get stopping(): boolean {
    return this.stopped;
  }

  get size(): number {
    return this.work.size;
  }

  /** Runs `run` as tracked work; `abandon` is called if it is still running when the grace period ends. */
  track(run: () => Promise<void>, abandon: () => Promise<void>): Promise<void> {
    const promise = run().catch(() => undefined);
    this.work.set(promise, { abandon });
    void promise.finally(() => this.work.delete(promise));
    return promise;
  }

  /** Sends a notice (the bot is restarting) that stopping must not cut off. */
  notify(send: () => Promise<void>): void {
    const promise = send().catch(() => undefined);
    this.notices.add(promise);
    void promise.finally(() => this.notices.delete(promise));
  }

  /**
   * Stops accepting work, waits up to `graceMs` for what is running, then abandons the rest
   * (each told the bot is restarting). Resolves with how many finished and how many were abandoned.
   */
  async drain(graceMs: number): Promise<{ finished: number; abandoned: number }> {
    this.stopped = true;
    const running = [...this.work.keys()];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(running), timeout]);
    clearTimeout(timer);
    const left = [...this.work.values()];
    await Promise.all(left.map((w) => w.abandon().catch(() => undefined)));
    // Notices to work that arrived while stopping go out before the connection closes.
    await Promise.race([Promise.all([...this.notices]), new Promise((resolve) => setTimeout(resolve, NOTICE_GRACE_MS).unref())]);
    return { finished: running.length - left.length, abandoned: left.length };
  }
}
