/**
 * Token alignment: how well a passage's words, read in their context, stand for each word
 * of the question. Every question token is matched to the passage token whose vector (the
 * encoder's last layer, before pooling: contextual for a transformer, the word's own vector
 * for the word-vector model) is closest, as BERTScore does for sentence pairs. A pooled sentence vector says a passage is about the question's topic;
 * aligning token by token says whether it has something for each thing the question asks
 * ("react to each key the user hits" against "emits 'keypress' events").
 */
import type { TokenStates } from '../embed/loadEmbedder.js';
import { toTerm } from '../text/terms.js';
import { similarityMatrix } from './similarityMatrix.js';

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
 * Word pieces are joined into the words they spell, and each word to its term; pieces of
 * stopwords and punctuation are left out, as they are everywhere. Tokenizers mark pieces
 * two ways: WordPiece (BERT, MiniLM) marks a piece that continues a word ("key", "##press");
 * SentencePiece and byte-level BPE (e5, RoBERTa) mark one that starts a word ("▁key",
 * "press"; "Ġkey"). Accents are compared without their marks, as uncased BERT strips them.
 */
export function groupQuestionTokens(states: TokenStates, terms: readonly string[], dimension: number): QuestionTokens {
  const termIndex = new Map(terms.map((t, j) => [withoutAccents(t), j]));
  const marksStarts = states.tokens.some((t) => WORD_START.test(t));
  const rows: number[] = [];
  const termOf: number[] = [];
  let word = '';
  let pieces: number[] = [];
  const flush = () => {
    const term = word ? toTerm(word) : null;
    const j = term === null ? undefined : termIndex.get(withoutAccents(term));
    if (j !== undefined) for (const p of pieces) (rows.push(p), termOf.push(j));
    word = '';
    pieces = [];
  };
  states.tokens.forEach((token, i) => {
    const text = token.replace(WORD_START, '').replace(/^##/, '');
    if (!/[\p{L}\p{N}]/u.test(text)) {
      flush();
      return;
    }
    const continues = marksStarts ? !WORD_START.test(token) && pieces.length > 0 : token.startsWith('##');
    if (!continues) flush();
    word += text;
    pieces.push(i);
  });
  flush();
  const vectors = new Float32Array(rows.length * dimension);
  rows.forEach((r, k) => vectors.set(states.vectors.subarray(r * dimension, (r + 1) * dimension), k * dimension));
  const rowsPerTerm = new Int32Array(terms.length);
  for (const j of termOf) rowsPerTerm[j]!++;
  return { vectors, termOf: Int32Array.from(termOf), rowsPerTerm, dimension };
}

/** SentencePiece's and byte-level BPE's mark of a piece that starts a word. */
const WORD_START = /^[\u2581\u0120]/;

function withoutAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * For each passage, for each question term: the mean over the term's tokens of the best
 * cosine to any token of the passage (0 for a term with no token, and at least 0). All the
 * passages go through one matrix product (answer/similarityMatrix), not one per passage.
 */
export async function alignTokens(question: QuestionTokens, passages: readonly Float32Array[]): Promise<Float32Array[]> {
  const { dimension, vectors, termOf, rowsPerTerm } = question;
  const columns = passages.reduce((sum, p) => sum + p.length / dimension, 0);
  const all = passages.length === 1 ? passages[0]! : new Float32Array(columns * dimension);
  if (passages.length > 1) {
    let at = 0;
    for (const p of passages) (all.set(p, at), (at += p.length));
  }
  const similarities = await similarityMatrix(vectors, all, dimension);
  let from = 0;
  return passages.map((passage) => {
    const to = from + passage.length / dimension;
    const out = new Float32Array(rowsPerTerm.length);
    for (let q = 0; q < termOf.length; q++) {
      let best = 0;
      for (let c = q * columns + from, end = q * columns + to; c < end; c++) if (similarities[c]! > best) best = similarities[c]!;
      out[termOf[q]!]! += best / rowsPerTerm[termOf[q]!]!;
    }
    from = to;
    return out;
  });
}
