/**
 * Centrality of each sentence in a group: its mean similarity to the other sentences
 * (degree centrality on the complete similarity graph). With unit vectors the mean is one dot
 * product with the group's sum, so it costs linear time however long the document is.
 */
import type { SentenceFeatures, SparseVector } from './similarity.js';
import { denseDot, sparseDot } from './similarity.js';

/** Mean blended similarity of each sentence to the others of `group`, in `group`'s order. */
export function centrality(group: readonly SentenceFeatures[], vectorWeight: number): number[] {
  const n = group.length;
  if (n === 0) return [];
  if (n === 1) return [1];
  const lexicalSum: SparseVector = new Map();
  for (const f of group) for (const [t, w] of f.lexical) lexicalSum.set(t, (lexicalSum.get(t) ?? 0) + w);
  const withVectors = group.every((f) => f.vector);
  let vectorSum: Float32Array | undefined;
  if (withVectors) {
    vectorSum = new Float32Array(group[0]!.vector!.length);
    for (const f of group) for (let i = 0; i < vectorSum.length; i++) vectorSum[i]! += f.vector![i]!;
  }
  return group.map((f) => {
    // Subtract the sentence's similarity to itself (1 for a unit vector, 0 for an empty one).
    const self = f.lexical.size > 0 ? 1 : 0;
    const lexical = (sparseDot(f.lexical, lexicalSum) - self) / (n - 1);
    if (!vectorSum) return lexical;
    const dense = (denseDot(f.vector!, vectorSum) - denseDot(f.vector!, f.vector!)) / (n - 1);
    return vectorWeight * dense + (1 - vectorWeight) * lexical;
  });
}
