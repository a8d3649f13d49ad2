/**
 * Picks the exact words to quote inside the best chunks: windows of one to three
 * consecutive sentences of one block, scored by how much of the question they cover, how
 * close they are in meaning (sentence embeddings), how well their tokens align with the
 * question's words in context (answer/alignTokens), and how well their chunk ranked. A quote
 * never spans two paragraphs, so its citation stays exact.
 *
 * Coverage is soft: a question word counts as covered by the same word (1) or, partly, by
 * the sentence word closest to it in meaning when that is close enough ("reporters" by
 * "journalists"). Each question word counts by its rarity in the corpus.
 */
import type { SearchState } from '../retrieve/searchState.js';
import { idfOf, leadInBlock, sectionOf } from '../retrieve/searchState.js';
import type { ChunkHit } from '../retrieve/findChunks.js';
import type { QuestionAnalysis } from '../retrieve/analyseQuestion.js';
import { givesAnswerType } from '../retrieve/answerType.js';
import { foldWhitespace } from './makePassage.js';

export interface QuoteOptions {
  /** How many of the best chunks quotes are chosen from. */
  chunks: number;
  /** Longest quote, in sentences. */
  maxSentences: number;
  /** Weights of question coverage, sentence similarity and the chunk's rank. */
  coverageWeight: number;
  meaningWeight: number;
  chunkWeight: number;
  /** Word similarity below which a different word does not cover a question word at all. */
  softMatchFloor: number;
  /** Subtracted per sentence beyond the first: a longer quote must earn its length. */
  lengthPenalty: number;
  /** Subtracted from a quote that starts with a list's lead-in line, is code, or only refers elsewhere ("See …"): they rarely answer by themselves. */
  leadInPenalty: number;
  codePenalty: number;
  pointerPenalty: number;
  /** Weight of the share of the question the quote's section title covers (headings name their subject). */
  titleWeight: number;
  /**
   * Added to a quote that gives what the question's form asks for (see answerType): a
   * reason for "why", a number for "how many", a date for "on what date". For a reason,
   * the line introducing the quote's list counts too ("Key factors … include:").
   */
  answerTypeBonus: number;
  /**
   * Weight of token alignment (answer/alignTokens): the share of the question's words the
   * quote's tokens, in context, stand for. 3 on the tuning sets (Hit@1 with weight 0, 1, 3, 5:
   * 0.67, 0.69, 0.73, 0.72, measured under a refusal rule that answered every tuning question).
   */
  alignWeight: number;
}

export const DEFAULT_QUOTES: QuoteOptions = {
  chunks: 12,
  maxSentences: 3,
  coverageWeight: 1,
  meaningWeight: 1.2,
  chunkWeight: 0.1,
  softMatchFloor: 0.4,
  lengthPenalty: 0.08,
  leadInPenalty: 0.25,
  codePenalty: 0.3,
  pointerPenalty: 0.25,
  titleWeight: 0.2,
  answerTypeBonus: 0.15,
  alignWeight: 3,
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
  question: Pick<QuestionAnalysis, 'terms' | 'termVectors' | 'expects'>,
  hits: readonly ChunkHit[],
  sentenceSimilarity: (sentence: number) => number,
  limit: number,
  options: QuoteOptions = DEFAULT_QUOTES,
  alignment?: (sentence: number) => Float32Array | undefined,
): QuoteCandidate[] {
  const query = question.terms;
  const expects = question.expects;
  const weights = query.map((t) => idfOf(state, t));
  const totalWeight = weights.reduce((a, b) => a + b, 0) || 1;
  const { dimension, vectors: rows } = state.vocabulary;

  // How well each sentence covers each question word (1 = the word itself), computed once.
  const matchCache = new Map<number, Float32Array>();
  const matches = (sentence: number): Float32Array => {
    let m = matchCache.get(sentence);
    if (m) return m;
    m = new Float32Array(query.length);
    const own = state.sentenceTerms(sentence);
    const wordsOf = state.sentenceWords(sentence);
    query.forEach((t, j) => {
      if (own.has(t)) {
        m![j] = 1;
        return;
      }
      const v = question.termVectors.get(t);
      if (!v) return;
      let best = 0;
      for (const row of wordsOf) {
        let s = 0;
        const offset = row * dimension;
        for (let d = 0; d < dimension; d++) s += rows[offset + d]! * v[d]!;
        if (s > best) best = s;
      }
      m![j] = best >= options.softMatchFloor ? best : 0;
    });
    matchCache.set(sentence, m);
    return m;
  };

  // The line introducing a sentence's list ("Key factors influencing this recognition include:").
  const leadInOf = (sentence: number): string => {
    const s = state.sentences[sentence]!;
    const section = sectionOf(state, s.doc, s.section);
    return leadInBlock(section, section.blocks[s.block]!)?.text ?? '';
  };

  const top = hits.slice(0, options.chunks);
  const bestFused = top[0]?.fused || 1;
  const candidates: QuoteCandidate[] = [];
  const seen = new Set<string>();

  for (const hit of top) {
    const chunk = state.chunks[hit.chunk]!;
    const prior = hit.fused / bestFused;
    const titleTerms = state.titleTerms.get(`${chunk.doc}:${chunk.section}`);
    const inTitle = query.map((t) => Boolean(titleTerms?.has(t)));
    const titleShare = query.reduce((sum, _t, j) => sum + (inTitle[j] ? weights[j]! : 0), 0) / totalWeight;
    for (let first = chunk.firstSentence; first <= chunk.lastSentence; first++) {
      const block = state.sentences[first]!.block;
      const covered = new Float32Array(query.length);
      const aligned = new Float32Array(query.length);
      let meaning = 0;
      let givesType = false;
      for (let last = first; last <= Math.min(chunk.lastSentence, first + options.maxSentences - 1); last++) {
        if (state.sentences[last]!.block !== block) break;
        const m = matches(last);
        for (let j = 0; j < query.length; j++) covered[j] = Math.max(covered[j]!, m[j]!);
        const a = alignment?.(last);
        if (a) for (let j = 0; j < query.length; j++) aligned[j] = Math.max(aligned[j]!, a[j]!);
        meaning = Math.max(meaning, sentenceSimilarity(last));
        if (expects) givesType ||= givesAnswerType(state.sentences[last]!.text, expects) || (expects === 'reason' && givesAnswerType(leadInOf(last), expects));
        const key = `${first}:${last}`;
        if (seen.has(key)) continue;
        seen.add(key);
        let coverage = 0;
        // A title word the quote itself lacks still says the quote is in the right place.
        let alignedShare = 0;
        for (let j = 0; j < query.length; j++) {
          coverage += weights[j]! * Math.max(covered[j]!, inTitle[j] ? 0.5 : 0);
          alignedShare += weights[j]! * aligned[j]!;
        }
        const role = state.sentenceRole(first);
        const score =
          options.coverageWeight * (coverage / totalWeight) +
          options.meaningWeight * meaning +
          options.chunkWeight * prior +
          options.titleWeight * titleShare +
          options.alignWeight * (alignedShare / totalWeight) -
          options.lengthPenalty * (last - first) -
          (role === 'lead-in' ? options.leadInPenalty : 0) -
          (role === 'code' ? options.codePenalty : 0) -
          (role === 'pointer' ? options.pointerPenalty : 0) +
          (givesType ? options.answerTypeBonus : 0);
        candidates.push({ first, last, score });
      }
    }
  }

  candidates.sort((a, b) => b.score - a.score || a.first - b.first || a.last - b.last);
  // One quote per block, and no text twice (API docs repeat notices under several
  // headings): the next passage should say something new.
  const usedBlocks = new Set<string>();
  const usedTexts = new Set<string>();
  const chosen: QuoteCandidate[] = [];
  for (const c of candidates) {
    const s = state.sentences[c.first]!;
    const key = `${s.doc}:${s.section}:${s.block}`;
    if (usedBlocks.has(key)) continue;
    const text = foldWhitespace(state.sentences.slice(c.first, c.last + 1).map((t) => t.text).join(' '));
    if (usedTexts.has(text)) continue;
    usedBlocks.add(key);
    usedTexts.add(text);
    chosen.push(c);
    if (chosen.length >= limit) break;
  }
  return chosen;
}
