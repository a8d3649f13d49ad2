/**
 * The corpus's own vocabulary, embedded with the model. Two uses, both for words of a
 * question that the document never uses:
 * - query expansion: "ties" finds "relations", "Kremlin" finds "Moscow", so BM25 can match
 *   a paraphrase;
 * - refusal: a question whose words have no close counterpart anywhere in the document
 *   ("troops", "population") asks about something the document does not discuss, however
 *   on-topic the rest of it sounds.
 */
import { toTerm, words } from '../text/terms.js';

export interface Vocabulary {
  /** Index term -> the surface word embedded for it (its most frequent form). */
  words: string[];
  /** Index terms, parallel to `words`. */
  terms: string[];
  /** Row-major unit vectors, `dimension` floats per word; a zero row for a word the model does not know. */
  vectors: Float32Array;
  dimension: number;
}

/** Plain words only: identifiers, numbers and fragments make poor neighbours. */
const EMBEDDABLE = /^\p{L}[\p{L}'’-]*\p{L}$/u;

/** Index term -> most frequent surface form, for every content word of the texts. */
export function collectVocabulary(texts: Iterable<string>): Map<string, string> {
  const forms = new Map<string, Map<string, number>>();
  for (const text of texts) {
    for (const w of words(text)) {
      if (!EMBEDDABLE.test(w)) continue;
      const t = toTerm(w);
      if (t === null) continue;
      const f = forms.get(t) ?? new Map<string, number>();
      f.set(w, (f.get(w) ?? 0) + 1);
      forms.set(t, f);
    }
  }
  const out = new Map<string, string>();
  for (const [t, f] of [...forms].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.set(t, [...f].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0]);
  }
  return out;
}

export interface Neighbour {
  word: string;
  term: string;
  similarity: number;
}

/** The `k` corpus words closest to `vector` (brute force: vocabularies are thousands of words, not millions). */
export function nearestWords(vocabulary: Vocabulary, vector: Float32Array, k: number): Neighbour[] {
  const { dimension, vectors } = vocabulary;
  const best: Neighbour[] = [];
  for (let i = 0; i < vocabulary.words.length; i++) {
    let s = 0;
    const row = i * dimension;
    for (let d = 0; d < dimension; d++) s += vectors[row + d]! * vector[d]!;
    if (best.length < k || s > best[best.length - 1]!.similarity) {
      best.push({ word: vocabulary.words[i]!, term: vocabulary.terms[i]!, similarity: s });
      best.sort((a, b) => b.similarity - a.similarity);
      if (best.length > k) best.pop();
    }
  }
  return best;
}
