/**
 * Picks the exact words to quote inside the best chunks: windows of one to three
 * consecutive sentences of one block, scored by how much of the question they cover (terms
 * weighted by rarity), how close they are in meaning (sentence embeddings), and how well
 * their chunk ranked. A quote never spans two paragraphs, so its citation stays exact.
 */
import type { SearchState } from '../retrieve/searchState.js';
import { idfOf } from '../retrieve/searchState.js';
import type { ChunkHit } from '../retrieve/findChunks.js';

export interface QuoteOptions {
  /** How many of the best chunks quotes are chosen from. */
  chunks: number;
  /** Longest quote, in sentences. */
  maxSentences: number;
  /** Weights of the three signals. */
  coverageWeight: number;
  meaningWeight: number;
  chunkWeight: number;
  /** Subtracted per sentence beyond the first: a longer quote must earn its length. */
  lengthPenalty: number;
}

export const DEFAULT_QUOTES: QuoteOptions = { chunks: 8, maxSentences: 3, coverageWeight: 1, meaningWeight: 0.6, chunkWeight: 0.5, lengthPenalty: 0.08 };

export interface QuoteCandidate {
  /** Sentence range in the corpus's sentence table (inclusive). */
  first: number;
  last: number;
  score: number;
}

/**
 * `sentenceSimilarity(i)` returns the cosine of sentence i to the question, already mapped
 * so that off-topic similarity is 0 and identity is 1.
 */
export function chooseQuotes(
  state: SearchState,
  questionTerms: readonly string[],
  hits: readonly ChunkHit[],
  sentenceSimilarity: (sentence: number) => number,
  limit: number,
  options: QuoteOptions = DEFAULT_QUOTES,
): QuoteCandidate[] {
  const query = [...new Set(questionTerms)];
  const totalWeight = query.reduce((sum, t) => sum + idfOf(state, t), 0) || 1;
  const top = hits.slice(0, options.chunks);
  const bestFused = top[0]?.fused || 1;
  const candidates: QuoteCandidate[] = [];
  const seen = new Set<string>();

  for (const hit of top) {
    const chunk = state.chunks[hit.chunk]!;
    const prior = hit.fused / bestFused;
    const titleTerms = state.titleTerms.get(`${chunk.doc}:${chunk.section}`);
    for (let first = chunk.firstSentence; first <= chunk.lastSentence; first++) {
      const block = state.sentences[first]!.block;
      const covered = new Set<string>();
      let meaning = 0;
      for (let last = first; last <= Math.min(chunk.lastSentence, first + options.maxSentences - 1); last++) {
        const s = state.sentences[last]!;
        if (s.block !== block) break;
        const key = `${first}:${last}`;
        for (const t of query) if (state.sentenceTerms[last]!.has(t)) covered.add(t);
        meaning = Math.max(meaning, sentenceSimilarity(last));
        if (seen.has(key)) continue;
        seen.add(key);
        let coverage = 0;
        for (const t of covered) coverage += idfOf(state, t);
        // A title word the quote itself lacks still says the quote is in the right place.
        let titleCoverage = 0;
        if (titleTerms) for (const t of query) if (!covered.has(t) && titleTerms.has(t)) titleCoverage += idfOf(state, t);
        const score =
          options.coverageWeight * ((coverage + 0.5 * titleCoverage) / totalWeight) +
          options.meaningWeight * meaning +
          options.chunkWeight * prior -
          options.lengthPenalty * (last - first);
        candidates.push({ first, last, score });
      }
    }
  }

  candidates.sort((a, b) => b.score - a.score || a.first - b.first || a.last - b.last);
  // One quote per block: the next passage should say something new, not the same paragraph again.
  const usedBlocks = new Set<string>();
  const chosen: QuoteCandidate[] = [];
  for (const c of candidates) {
    const s = state.sentences[c.first]!;
    const key = `${s.doc}:${s.section}:${s.block}`;
    if (usedBlocks.has(key)) continue;
    usedBlocks.add(key);
    chosen.push(c);
    if (chosen.length >= limit) break;
  }
  return chosen;
}
