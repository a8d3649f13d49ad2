/**
 * Hybrid retrieval: BM25 over chunks and dense HNSW search, fused by weighted reciprocal
 * rank. Ranks, not raw scores, are fused because BM25 scores and cosine similarities live
 * on unrelated scales, and cosine scales differ again from one model to the next.
 */
import type { SearchState } from './searchState.js';
import type { QuestionAnalysis } from './analyseQuestion.js';

export interface FusionOptions {
  /** How many candidates each retriever contributes. */
  depth: number;
  /** Reciprocal-rank constant: larger flattens the difference between ranks. */
  rrfK: number;
  lexicalWeight: number;
  denseWeight: number;
}

/** Chosen on the evaluation sets (`npm run eval`). */
export const DEFAULT_FUSION: FusionOptions = { depth: 40, rrfK: 20, lexicalWeight: 1, denseWeight: 1 };

export interface ChunkHit {
  chunk: number;
  /** Fused score (sum of weighted reciprocal ranks). */
  fused: number;
  /** Cosine similarity of the chunk to the question (0 when dense search did not reach it). */
  similarity: number;
}

export interface ChunkSearch {
  hits: ChunkHit[];
  /** Best dense similarity over all chunks: the refusal signal. */
  bestSimilarity: number;
}

export function findChunks(state: SearchState, question: string, analysis: QuestionAnalysis, queryVector: Float32Array, options: FusionOptions = DEFAULT_FUSION): ChunkSearch {
  const dense = state.vectors.search(queryVector, options.depth);
  const lexical = state.lexical.search(question, options.depth, { words: analysis.expansionWords, weights: analysis.expansions });
  const byChunk = new Map<number, ChunkHit>();
  const hit = (chunk: number) => {
    let h = byChunk.get(chunk);
    if (!h) byChunk.set(chunk, (h = { chunk, fused: 0, similarity: 0 }));
    return h;
  };
  dense.forEach((d, rank) => {
    const h = hit(d.id);
    h.similarity = d.similarity;
    h.fused += options.denseWeight / (options.rrfK + rank + 1);
  });
  lexical.forEach((l, rank) => {
    const h = hit(l.id);
    h.fused += options.lexicalWeight / (options.rrfK + rank + 1);
  });
  const hits = [...byChunk.values()].sort((a, b) => b.fused - a.fused || a.chunk - b.chunk);
  return { hits, bestSimilarity: dense[0]?.similarity ?? 0 };
}
