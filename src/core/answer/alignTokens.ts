/**
 * Token alignment: how well a passage's words, read in their context, stand for each word
 * of the question. Every question token is matched to the passage token whose contextual
 * vector (the encoder's last layer, before pooling) is closest, as BERTScore does for
 * sentence pairs. A pooled sentence vector says a passage is about the question's topic;
 * aligning token by token says whether it has something for each thing the question asks
 * ("react to each key the user hits" against "emits 'keypress' events").
 */
import type { TokenStates } from '../embed/loadEmbedder.js';
import { toTerm } from '../text/terms.js';

/** The question's tokens grouped by the question term they spell (index into `terms`). */
export interface QuestionTokens {
  /** Token vectors, row by row. */
  vectors: Float32Array;
  /** For each row, the question term it belongs to. */
  termOf: Int32Array;
  /** For each term, how many rows belong to it (0: the encoder gave it no token). */
  rowsPerTerm: Int32Array;
  dimension: number;
}

/**
 * Word pieces ("key", "##press") are joined into the words they spell, and each word to its
 * term; pieces of stopwords and punctuation are left out, as they are everywhere.
 */
export function groupQuestionTokens(states: TokenStates, terms: readonly string[], dimension: number): QuestionTokens {
  const termIndex = new Map(terms.map((t, j) => [t, j]));
  const rows: number[] = [];
  const termOf: number[] = [];
  let word = '';
  let pieces: number[] = [];
  const flush = () => {
    const term = word ? toTerm(word) : null;
    const j = term === null ? undefined : termIndex.get(term);
    if (j !== undefined) for (const p of pieces) (rows.push(p), termOf.push(j));
    word = '';
    pieces = [];
  };
  states.tokens.forEach((token, i) => {
    if (token.startsWith('##')) {
      word += token.slice(2);
      pieces.push(i);
      return;
    }
    flush();
    word = token;
    pieces = [i];
  });
  flush();
  const vectors = new Float32Array(rows.length * dimension);
  rows.forEach((r, k) => vectors.set(states.vectors.subarray(r * dimension, (r + 1) * dimension), k * dimension));
  const rowsPerTerm = new Int32Array(terms.length);
  for (const j of termOf) rowsPerTerm[j]!++;
  return { vectors, termOf: Int32Array.from(termOf), rowsPerTerm, dimension };
}

/** For each question term, the mean over its tokens of the best cosine to any token of the passage (0 for a term with no token). */
export function alignTokens(question: QuestionTokens, passage: Float32Array): Float32Array {
  const { dimension, vectors, termOf, rowsPerTerm } = question;
  const out = new Float32Array(rowsPerTerm.length);
  const passageRows = passage.length / dimension;
  for (let q = 0; q < termOf.length; q++) {
    let best = 0;
    const qo = q * dimension;
    for (let p = 0; p < passageRows; p++) {
      let s = 0;
      const po = p * dimension;
      for (let d = 0; d < dimension; d++) s += vectors[qo + d]! * passage[po + d]!;
      if (s > best) best = s;
    }
    out[termOf[q]!]! += best / rowsPerTerm[termOf[q]!]!;
  }
  return out;
}
