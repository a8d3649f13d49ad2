/**
 * How alike two sentences are. The bundled model embeds a sentence as an average of word
 * vectors, which rates any two sentences on one topic as close; an idf-weighted bag of index
 * terms sees the words actually shared. Summaries and quizzes blend the two.
 */
import type { SearchState } from '../retrieve/searchState.js';

export type SparseVector = Map<string, number>;

/** One sentence, ready to compare. */
export interface SentenceFeatures {
  /** Index into the sentence table. */
  id: number;
  /** Unit-length idf-weighted term vector. */
  lexical: SparseVector;
  /** The sentence's index terms (for Jaccard). */
  terms: Set<string>;
  /** Unit-length sentence embedding, when the caller embedded the sentences. */
  vector?: Float32Array;
}

/**
 * Two chosen sentences must not say the same thing twice: their embeddings are this close,
 * or they share this share of their terms. Checked on the seed and the readline docs, where
 * restated sentences ("Russia's decision to … recognize the Taliban government marks a … shift")
 * score 0.88 and duplicated option descriptions 1.0, while distinct sentences rarely pass 0.85.
 */
export const NEAR_DUPLICATE = { cosine: 0.9, jaccard: 0.6 } as const;

export function featuresOf(state: SearchState, id: number, vector?: Float32Array): SentenceFeatures {
  const terms = state.sentenceTerms(id);
  const lexical: SparseVector = new Map();
  let norm = 0;
  for (const t of terms) {
    const w = state.idf.get(t) ?? 0;
    lexical.set(t, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [t, w] of lexical) lexical.set(t, w / norm);
  return { id, lexical, terms, ...(vector ? { vector } : {}) };
}

export function sparseDot(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [t, w] of small) sum += w * (large.get(t) ?? 0);
  return sum;
}

export function denseDot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Whether two sentences say nearly the same thing (see NEAR_DUPLICATE). */
export function nearDuplicate(a: SentenceFeatures, b: SentenceFeatures): boolean {
  return compare(a, b, 0).nearDuplicate;
}

/**
 * Two sentences compared: whether they are near-duplicates, and their blended similarity in
 * [-1, 1] (`vectorWeight` of embedding cosine plus the rest of lexical cosine; lexical alone
 * when either has no embedding). One computation of each dot product serves both: MMR asks
 * both of every candidate after every pick.
 */
export function compare(a: SentenceFeatures, b: SentenceFeatures, vectorWeight: number): { nearDuplicate: boolean; similarity: number } {
  const lexical = sparseDot(a.lexical, b.lexical);
  const dense = a.vector && b.vector ? denseDot(a.vector, b.vector) : undefined;
  const nearDuplicate = jaccard(a.terms, b.terms) >= NEAR_DUPLICATE.jaccard || (dense ?? lexical) >= NEAR_DUPLICATE.cosine;
  return { nearDuplicate, similarity: dense === undefined ? lexical : vectorWeight * dense + (1 - vectorWeight) * lexical };
}
