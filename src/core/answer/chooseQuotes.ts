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
  /** Subtracted from a quote that starts with a list's lead-in line or is code: they rarely answer by themselves. */
  leadInPenalty: number;
  codePenalty: number;
}

export const DEFAULT_QUOTES: QuoteOptions = {
  chunks: 8,
  maxSentences: 3,
  coverageWeight: 1,
  meaningWeight: 0.6,
  chunkWeight: 0.2,
  lengthPenalty: 0.08,
  leadInPenalty: 0.25,
  codePenalty: 0.3,
};

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
  /** Index term -> how much it counts (expansion terms count less than the question's own). */
  questionTerms: ReadonlyMap<string, number>,
  hits: readonly ChunkHit[],
  sentenceSimilarity: (sentence: number) => number,
  limit: number,
  options: QuoteOptions = DEFAULT_QUOTES,
): QuoteCandidate[] {
  const query = [...questionTerms.keys()];
  const weight = (t: string) => idfOf(state, t) * questionTerms.get(t)!;
  // Expansions may stand in for a word, not add to what the question asks: normalise by the question's own terms.
  const totalWeight = query.filter((t) => questionTerms.get(t) === 1).reduce((sum, t) => sum + weight(t), 0) || 1;
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
        for (const t of covered) coverage += weight(t);
        // A title word the quote itself lacks still says the quote is in the right place.
        let titleCoverage = 0;
        if (titleTerms) for (const t of query) if (!covered.has(t) && titleTerms.has(t)) titleCoverage += weight(t);
        const role = state.sentenceRole[first]!;
        const score =
          options.coverageWeight * Math.min(1, (coverage + 0.5 * titleCoverage) / totalWeight) +
          options.meaningWeight * meaning +
          options.chunkWeight * prior -
          options.lengthPenalty * (last - first) -
          (role === 'lead-in' ? options.leadInPenalty : 0) -
          (role === 'code' ? options.codePenalty : 0);
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
