/** The process's cache of sentence token states (embed/tokenStateCache). */
import { describe, expect, it } from 'vitest';
import { TokenStateCache } from '../../src/core/embed/tokenStateCache.js';

/** A fake forward pass: sentence i's "states" are `floats` copies of i; records each batch. */
function model(floats = 4) {
  const batches: number[][] = [];
  const compute = async (missing: number[]) => {
    batches.push(missing);
    return missing.map((i) => new Float32Array(floats).fill(i));
  };
  return { batches, compute };
}

describe('TokenStateCache', () => {
  it('computes only the sentences it does not hold, in one batch, and returns all asked for', async () => {
    const cache = new TokenStateCache();
    const { batches, compute } = model();
    const index = {};
    await cache.get(index, [1, 2], compute);
    const out = await cache.get(index, [2, 3, 1], compute);
    expect(batches).toEqual([[1, 2], [3]]);
    expect([...out.keys()].sort()).toEqual([1, 2, 3]);
    expect(out.get(3)![0]).toBe(3);
    expect(cache.size).toBe(3 * 16);
  });

  it('keeps the sentences of two indexes apart', async () => {
    const cache = new TokenStateCache();
    const { batches, compute } = model();
    await cache.get({}, [1], compute);
    await cache.get({}, [1], compute);
    expect(batches).toEqual([[1], [1]]);
  });

  it('stays within its budget by letting the least recently used go, never what it returns', async () => {
    const cache = new TokenStateCache(3 * 16);
    const { batches, compute } = model();
    const index = {};
    await cache.get(index, [1, 2, 3], compute);
    await cache.get(index, [1], compute); // 1 is now the most recently used
    await cache.get(index, [4], compute); // over budget: 2 goes
    expect(cache.size).toBe(3 * 16);
    await cache.get(index, [1, 3, 4], compute);
    expect(batches).toEqual([[1, 2, 3], [4]]);
    await cache.get(index, [2], compute);
    expect(batches.at(-1)).toEqual([2]);
    // A request larger than the budget is still answered whole.
    const all = await cache.get(index, [5, 6, 7, 8], compute);
    expect(all.size).toBe(4);
  });

  it('returns what it held when asked even if another question evicts it during the forward pass', async () => {
    const cache = new TokenStateCache(2 * 16);
    const index = {};
    const { compute } = model();
    await cache.get(index, [1], compute);
    let release!: () => void;
    const slow = async (missing: number[]) => {
      await new Promise<void>((resolve) => (release = resolve));
      return compute(missing);
    };
    const pending = cache.get(index, [1, 2], slow);
    await cache.get(index, [3, 4], compute); // evicts 1 meanwhile
    release();
    const out = await pending;
    expect(out.get(1)![0]).toBe(1);
    expect(out.get(2)![0]).toBe(2);
  });

  it('runs one forward pass for sentences two questions ask for at the same time', async () => {
    const cache = new TokenStateCache();
    const { batches, compute } = model();
    const index = {};
    const [a, b] = await Promise.all([cache.get(index, [1, 2], compute), cache.get(index, [2, 3], compute)]);
    expect(batches).toEqual([[1, 2], [3]]);
    expect(a.get(2)).toBe(b.get(2));
    expect(cache.size).toBe(3 * 16);
  });

  it('passes a failed forward pass on to every question waiting for it, and tries again next time', async () => {
    const cache = new TokenStateCache();
    const index = {};
    const failing = async () => {
      throw new Error('model gone');
    };
    const results = await Promise.allSettled([cache.get(index, [1, 2], failing), cache.get(index, [2], failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const { batches, compute } = model();
    await cache.get(index, [1, 2], compute);
    expect(batches).toEqual([[1, 2]]);
  });

  it('forgets an index it is told to, and only that one', async () => {
    const cache = new TokenStateCache();
    const { batches, compute } = model();
    const [old, current] = [{}, {}];
    await cache.get(old, [1, 2], compute);
    await cache.get(current, [1], compute);
    cache.forget(old);
    expect(cache.size).toBe(16);
    await cache.get(current, [1], compute);
    expect(batches).toEqual([[1, 2], [1]]);
  });
});
