/**
 * Dense search over chunk vectors with hnswlib (cosine space). Labels are chunk ids.
 */
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

/** Graph parameters; hnswlib's defaults, named so the manifest and benchmarks can report them. */
export const HNSW_PARAMS = { m: 16, efConstruction: 200, randomSeed: 100 } as const;

/**
 * Search breadth (hnswlib's default is 10). With ef at least the number of points, HNSW
 * considers every point it can reach and returns what exact search returns; for corpora
 * under this size that costs microseconds. Larger corpora keep this breadth, which the
 * brute-force agreement test checks on 5,000 random 100-dimensional vectors (a harder case
 * for HNSW than real text).
 */
export const SEARCH_EF = 400;

export interface VectorHit {
  id: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

export class VectorIndex {
  private constructor(
    private readonly index: InstanceType<typeof HierarchicalNSW>,
    readonly dimension: number,
  ) {
    index.setEf(SEARCH_EF);
  }

  /** An empty index for up to `capacity` points; fill it with `add`, then search. */
  static create(dimension: number, capacity: number): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimension);
    index.initIndex({ maxElements: Math.max(1, capacity), m: HNSW_PARAMS.m, efConstruction: HNSW_PARAMS.efConstruction, randomSeed: HNSW_PARAMS.randomSeed });
    return new VectorIndex(index, dimension);
  }

  /** Builds an index from all vectors at once (label = position). */
  static build(dimension: number, vectors: ReadonlyArray<Float32Array | undefined>): VectorIndex {
    const built = VectorIndex.create(dimension, vectors.length);
    vectors.forEach((v, id) => v && built.add(id, v));
    return built;
  }

  /** Adds one point. A vector of zero length (text with no word the model knows) is left out: it has no direction. */
  add(id: number, vector: Float32Array): void {
    if (norm(vector) === 0) return;
    this.index.addPoint(Array.from(vector), id);
  }

  /** Reads on libuv's thread pool (the library's async variant): a large index takes tens of milliseconds to load. */
  static async read(file: string, dimension: number): Promise<VectorIndex> {
    const index = new HierarchicalNSW('cosine', dimension);
    await index.readIndex(file);
    return new VectorIndex(index, dimension);
  }

  write(file: string): void {
    this.index.writeIndexSync(file);
  }

  get size(): number {
    return this.index.getCurrentCount();
  }

  search(query: Float32Array, k: number): VectorHit[] {
    const n = Math.min(k, this.size);
    if (n === 0 || norm(query) === 0) return [];
    const { neighbors, distances } = this.index.searchKnn(Array.from(query), n);
    // hnswlib's cosine distance is 1 - cosine similarity.
    return neighbors.map((id, i) => ({ id, similarity: 1 - distances[i]! }));
  }
}

export function norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** Dot product; equals cosine similarity for the unit vectors the embedder returns. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
