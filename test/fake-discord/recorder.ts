/**
 * An append-only list that tests can wait on.
 *
 * Everything the fake observes (REST requests, gateway payloads, interaction callbacks)
 * goes into a Recorder, so a test can either inspect `items` after the fact or await the
 * first matching item, whether it already arrived or arrives later. Waiting with a timeout
 * (instead of sleeping) keeps the tests fast and makes failures say what was missing.
 */
export class Recorder<T> {
  readonly items: T[] = [];
  readonly #waiters = new Set<Waiter<T>>();
  #closedReason: Error | null = null;

  constructor(private readonly label: string) {}

  push(item: T): void {
    this.items.push(item);
    for (const waiter of [...this.#waiters]) {
      if (waiter.predicate(item)) {
        this.#settle(waiter);
        waiter.resolve(item);
      }
    }
  }

  /**
   * The first item at position `from` or later matching `predicate`, already recorded or
   * yet to come. Rejects after `timeoutMs` with a message naming what was awaited.
   */
  waitFor(
    predicate: (item: T) => boolean = () => true,
    { timeoutMs = 2000, from = 0, what = 'a matching item' }: WaitOptions = {},
  ): Promise<T> {
    const existing = this.items.slice(from).find(predicate);
    if (existing !== undefined) return Promise.resolve(existing);
    if (this.#closedReason) return Promise.reject(this.#closedReason);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#settle(waiter);
          reject(new Error(`FakeDiscord: timed out after ${timeoutMs} ms waiting for ${what} (${this.label}; ${this.items.length} seen)`));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Rejects every pending wait, e.g. when the fake closes. */
  close(reason: Error): void {
    this.#closedReason = reason;
    for (const waiter of [...this.#waiters]) {
      this.#settle(waiter);
      waiter.reject(reason);
    }
  }

  #settle(waiter: Waiter<T>): void {
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
  }
}

export interface WaitOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  /** Only consider items recorded at this index or later. */
  from?: number;
  /** Described in the timeout error. */
  what?: string;
}

interface Waiter<T> {
  predicate: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}
