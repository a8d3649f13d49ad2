import { describe, expect, it } from 'vitest';
import hnswlib from 'hnswlib-node';
import { VectorIndex, SEARCH_EF } from '../../src/core/index/vectorIndex.js';

/** Deterministic pseudo-random unit vectors (mulberry32), so a failure reproduces. */
function randomVectors(n: number, dim: number, seed: number): Float32Array[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: dim }, rand);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

function bruteForce(vectors: Float32Array[], dim: number) {
  const exact = new hnswlib.BruteforceSearch('cosine', dim);
  exact.initIndex(vectors.length);
  vectors.forEach((v, i) => exact.addPoint(Array.from(v), i));
  return exact;
}

describe('VectorIndex', () => {
  it.each([
    [300, 'fewer points than the search breadth'],
    [5000, 'many more points than the search breadth'],
  ])('returns what exact search returns (%i points: %s)', (n) => {
    const dim = 100;
    const vectors = randomVectors(n, dim, n);
    const index = VectorIndex.build(dim, vectors);
    const exact = bruteForce(vectors, dim);
    const queries = randomVectors(50, dim, 7);
    let agree = 0;
    for (const q of queries) {
      const ours = index.search(q, 10).map((h) => h.id);
      const truth = exact.searchKnn(Array.from(q), 10).neighbors;
      if (JSON.stringify(ours) === JSON.stringify(truth)) agree++;
    }
    expect(agree, `search breadth ${SEARCH_EF}`).toBe(queries.length);
  });

  it('reports cosine similarity, 1 for the point itself', () => {
    const vectors = randomVectors(20, 16, 3);
    const index = VectorIndex.build(16, vectors);
    const [best] = index.search(vectors[5]!, 1);
    expect(best!.id).toBe(5);
    expect(best!.similarity).toBeCloseTo(1, 5);
  });

  it('leaves out zero vectors and never returns NaN', () => {
    const vectors = [new Float32Array([1, 0, 0]), new Float32Array([0, 0, 0]), new Float32Array([0, 1, 0])];
    const index = VectorIndex.build(3, vectors);
    expect(index.size).toBe(2);
    const hits = index.search(new Float32Array([1, 0, 0]), 5);
    expect(hits.map((h) => h.id)).toEqual([0, 2]);
    expect(hits.every((h) => Number.isFinite(h.similarity))).toBe(true);
    expect(index.search(new Float32Array([0, 0, 0]), 5)).toEqual([]);
  });
});
