/**
 * The token states of sentences (see answer/alignTokens), kept after their forward pass so a
 * sentence that is a candidate again costs nothing. One cache per process, with one byte
 * budget, however many indexes answer in it: a bot with a hundred servers' documents loaded
 * must not keep a hundred caches. Entries belong to an index (a SearchState); an engine
 * forgets its index's entries when it is closed or the index replaced.
 */

/** About 1,400 sentences of 30 tokens with a 384-dimension model. */
export const TOKEN_CACHE_BYTES = 64 * 1024 * 1024;

export class TokenStateCache {
  private readonly entries = new Map<string, Float32Array>();
  /** Forward passes under way, so that two questions with the same candidates run one. */
  private readonly pending = new Map<string, Promise<Float32Array>>();
  private readonly owners = new WeakMap<object, number>();
  private nextOwner = 0;
  private bytes = 0;

  constructor(private readonly budget = TOKEN_CACHE_BYTES) {}

  /** Bytes held now. */
  get size(): number {
    return this.bytes;
  }

  /**
   * The token states of `ids` in `owner`'s sentence table: cached ones at once, the others
   * computed by one call of `compute` and kept. Those asked for become the most
   * recently used; the least recently used go once the budget is passed, never one being
   * returned now.
   */
  async get(owner: object, ids: readonly number[], compute: (missing: number[]) => Promise<Float32Array[]>): Promise<Map<number, Float32Array>> {
    let prefix = this.owners.get(owner);
    if (prefix === undefined) this.owners.set(owner, (prefix = this.nextOwner++));
    const key = (i: number) => `${prefix}:${i}`;
    // Cached ones are taken before waiting: another question may evict them meanwhile.
    const out = new Map<number, Float32Array>();
    const waits: Array<[number, Promise<Float32Array>]> = [];
    const missing: number[] = [];
    for (const i of new Set(ids)) {
      const v = this.entries.get(key(i));
      const running = this.pending.get(key(i));
      if (v) out.set(i, v);
      else if (running) waits.push([i, running]);
      else missing.push(i);
    }
    if (missing.length) {
      const batch = compute(missing);
      missing.forEach((i, k) => {
        const one = batch.then((rows) => rows[k]!);
        this.pending.set(key(i), one);
        waits.push([i, one]);
      });
    }
    try {
      // All at once, so that a failed pass is one rejection handled, not several unhandled.
      const rows = await Promise.all(waits.map(([, p]) => p));
      waits.forEach(([i], k) => out.set(i, rows[k]!));
    } finally {
      for (const i of missing) this.pending.delete(key(i));
    }
    for (const [i, v] of out) {
      const k = key(i);
      const old = this.entries.get(k);
      if (old) this.bytes -= old.byteLength;
      this.entries.delete(k);
      this.entries.set(k, v);
      this.bytes += v.byteLength;
    }
    const protectedKeys = new Set(ids.map(key));
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.budget) break;
      if (protectedKeys.has(k)) continue;
      this.entries.delete(k);
      this.bytes -= v.byteLength;
    }
    return out;
  }

  /** Lets go of everything `owner` (an index) holds. */
  forget(owner: object): void {
    const prefix = this.owners.get(owner);
    if (prefix === undefined) return;
    this.owners.delete(owner);
    for (const [k, v] of this.entries) {
      if (!k.startsWith(`${prefix}:`)) continue;
      this.entries.delete(k);
      this.bytes -= v.byteLength;
    }
  }
}

/** The process's cache, shared by every engine in it. */
export const tokenStateCache = new TokenStateCache();
