/**
 * Question -> answer: validate, retrieve chunks, decide whether the document answers at
 * all, then quote. Returns data only; adapters format it.
 */
import type { Answer, AskOptions, Passage } from '../types.js';
import { VerbatimError } from '../errors.js';
import { MAX_QUESTION_CHARS } from '../limits.js';
import { pageOf } from './page.js';
import { analyseQuestion } from '../retrieve/analyseQuestion.js';
import { GENERAL_REFUSAL_RULE, refusalRuleFor, refusalScore, zScores } from '../retrieve/calibrate.js';
import { idfOf, sectionOf, type SearchState } from '../retrieve/searchState.js';
import { findChunks, type ChunkHit, type FusionOptions, DEFAULT_FUSION } from '../retrieve/findChunks.js';
import { answerTypeRequired, givesAnswerType } from '../retrieve/answerType.js';
import { notAQuestion } from '../retrieve/questionForm.js';
import { chooseQuotes, DEFAULT_QUOTES, type QuoteOptions } from './chooseQuotes.js';
import { passageFromSentences } from './makePassage.js';
import { dot } from '../index/vectorIndex.js';
import type { TokenStates } from '../embed/loadEmbedder.js';
import { alignTokens, groupQuestionTokens } from './alignTokens.js';

/** Candidate sentences whose tokens are aligned with the question's (answer/alignTokens): 30 did as well as all of them on the tuning sets, 15 worse (measured with batched passes, before one text per pass). */
const ALIGNED_SENTENCES = 30;

/**
 * A question for a number or a date needs one among the candidate sentences closest in
 * meaning, not anywhere in its passages: the readline docs state numbers in many sentences
 * near "How many milliseconds slower is a for await…of loop?", none in the one about it.
 * 10, 5 and 3 did the same on the tuning sets (one near miss more refused, nothing lost).
 */
export const TYPED_SENTENCES = 10;

export const REFUSAL_MESSAGE = "The document doesn't seem to answer that.";

export interface AnswerDeps {
  embedQuery(text: string): Promise<Float32Array>;
  /** Vectors of single words (passage side), for query expansion. */
  embedWords(words: string[]): Promise<Float32Array[]>;
  /** Vectors of the given sentences (by index in the sentence table), cached by the caller. */
  sentenceVectors(ids: number[]): Promise<Map<number, Float32Array>>;
  /** The question's token states (answer/alignTokens); absent: no token alignment. */
  questionTokens?(text: string): Promise<TokenStates>;
  /** The token vectors of the given sentences, by index in the sentence table. */
  sentenceTokens?(ids: number[]): Promise<Map<number, Float32Array>>;
  fusion?: FusionOptions;
  quotes?: QuoteOptions;
  /** Align even when the rule refuses whatever the alignment (see VerbatimOptions.measureAllSignals). */
  measureAllSignals?: boolean | undefined;
}

/** Trims the question and removes control characters; throws on empty or oversized input. */
export function cleanQuestion(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const question = raw.replace(/[\u0000-\u0008\u000B-\u001F\u007F\uFFFD]/g, ' ').replace(/\s+/g, ' ').trim();
  if (question.length === 0) throw new VerbatimError('EMPTY_QUESTION', 'The question is empty: ask something about the document.');
  if (question.length > MAX_QUESTION_CHARS) {
    throw new VerbatimError('QUESTION_TOO_LONG', `The question is ${question.length} characters long; the limit is ${MAX_QUESTION_CHARS}. Ask about one thing at a time.`);
  }
  return question;
}

export async function answerQuestion(state: SearchState, rawQuestion: string, options: AskOptions, deps: AnswerDeps): Promise<Answer> {
  const question = cleanQuestion(rawQuestion);
  const { top, offset } = pageOf(options);
  const calibration = state.manifest.calibration;

  const [queryVector, analysis] = await Promise.all([deps.embedQuery(question), analyseQuestion(state, question, deps.embedWords)]);
  const search = findChunks(state, question, analysis, queryVector, deps.fusion ?? DEFAULT_FUSION);

  const quoteOptions = deps.quotes ?? DEFAULT_QUOTES;
  const notQuestion = notAQuestion(question);
  if (notQuestion) return refusal(state, question, search.hits, notQuestion);
  if (analysis.unknownNames.length > 0) {
    // Names come from the user: a few, kept short, so the reason stays a sentence.
    const names = analysis.unknownNames.slice(0, 3).map((n) => `“${n.length > 60 ? `${n.slice(0, 59)}…` : n}”`);
    return refusal(state, question, search.hits, `It never mentions ${names.join(' or ')}.`);
  }
  if (search.hits.length === 0) return refusal(state, question, search.hits);

  const candidateSentences = new Set<number>();
  for (const hit of search.hits.slice(0, quoteOptions.chunks)) {
    const chunk = state.chunks[hit.chunk]!;
    for (let i = chunk.firstSentence; i <= chunk.lastSentence; i++) candidateSentences.add(i);
  }
  const vectors = await deps.sentenceVectors([...candidateSentences]);
  // Each candidate's cosine to the question, once: the refusal signal, the figure check, the
  // shortlist to align and the quotes' meaning term all read it.
  const cosines = new Map([...vectors].map(([i, v]) => [i, dot(v, queryVector)]));
  const ranked = [...cosines].sort(([a, sa], [b, sb]) => sb - sa || a - b).map(([i]) => i); // ties by position, so runs agree
  // A question for a number or a date that none of the sentences closest to it states is
  // not answered by them, however well their words match (see retrieve/answerType).
  if (analysis.expects !== null && answerTypeRequired(analysis.expects)) {
    const closest = ranked.slice(0, TYPED_SENTENCES);
    if (!closest.some((i) => givesAnswerType(state.sentences[i]!.text, analysis.expects!))) {
      return refusal(state, question, search.hits, `None of the sentences closest to it gives ${analysis.expects === 'date' ? 'a date' : 'a number'}.`);
    }
  }
  const bestSentence = Math.max(-1, ...cosines.values());
  // Token alignment (answer/alignTokens) ranks quotes, and how well the best candidate aligns
  // says whether any passage has something for each word of the question. Without it (no
  // token hooks, or switched off) the rule is the one fitted without it.
  const hooks =
    deps.questionTokens && deps.sentenceTokens && quoteOptions.alignWeight > 0 ? { questionTokens: deps.questionTokens, sentenceTokens: deps.sentenceTokens } : undefined;
  const rule = hooks ? refusalRuleFor(state.manifest.model.name) : GENERAL_REFUSAL_RULE;
  const signals = { ...zScores(search.bestSimilarity, bestSentence, calibration), coverage: analysis.coverage, nameGap: analysis.nameGap, alignment: 0 };
  // Alignment is at most 1: a question refused even then is refused without a forward pass
  // over its candidates (its `alignment` stays 0, unmeasured).
  const mayAnswer = refusalScore({ ...signals, alignment: 1 }, rule) >= 0;
  const aligned = hooks && (mayAnswer || deps.measureAllSignals) ? await alignCandidates(state, question, analysis.terms, ranked.slice(0, ALIGNED_SENTENCES), hooks) : undefined;
  signals.alignment = aligned?.best ?? 0;
  const alignment = aligned?.alignment;
  const confidence = { score: refusalScore(signals, rule), ...signals };
  if (confidence.score < 0) return { ...refusal(state, question, search.hits), confidence };
  // Map cosine onto [0, 1] where 0 is what unrelated text scores with this model and corpus.
  const floor = calibration.offTopicMean;
  const similarity = (i: number) => {
    const cosine = cosines.get(i);
    return cosine === undefined ? 0 : Math.max(0, Math.min(1, (cosine - floor) / (1 - floor)));
  };

  const quotes = chooseQuotes(state, analysis, search.hits, similarity, offset + top, quoteOptions, alignment);
  const maxScore = quoteOptions.coverageWeight + quoteOptions.meaningWeight + quoteOptions.chunkWeight + quoteOptions.titleWeight + (alignment ? quoteOptions.alignWeight : 0);
  const passages: Passage[] = quotes.slice(offset).map((q) => passageFromSentences(state, q.first, q.last, q.score / maxScore));
  return { question, answered: true, passages, confidence };
}

/**
 * Aligns the question's tokens with those of the candidate sentences closest in meaning
 * (only those: each new sentence costs a forward pass). Returns each sentence's alignment
 * per question term, and the best rarity-weighted share over the candidates.
 */
async function alignCandidates(
  state: SearchState,
  question: string,
  terms: readonly string[],
  shortlist: readonly number[],
  deps: Required<Pick<AnswerDeps, 'questionTokens' | 'sentenceTokens'>>,
): Promise<{ alignment: (sentence: number) => Float32Array | undefined; best: number }> {
  const [questionStates, sentenceStates] = await Promise.all([deps.questionTokens(question), deps.sentenceTokens([...shortlist])]);
  const grouped = groupQuestionTokens(questionStates, terms, state.manifest.model.dimension);
  const weights = terms.map((t) => idfOf(state, t));
  const totalWeight = weights.reduce((a, b) => a + b, 0) || 1;
  const present = shortlist.filter((i) => sentenceStates.has(i));
  const alignments = await alignTokens(grouped, present.map((i) => sentenceStates.get(i)!));
  const aligned = new Map(present.map((i, k) => [i, alignments[k]!]));
  const best = Math.max(0, ...alignments.map((a) => a.reduce((sum, v, j) => sum + v * weights[j]!, 0) / totalWeight));
  return { alignment: (i) => aligned.get(i), best };
}

/** "The document doesn't seem to answer that" (and `why`, when known), with the sections that came closest. */
function refusal(state: SearchState, question: string, hits: readonly ChunkHit[], why?: string): Answer {
  const closest: NonNullable<Answer['closestSections']> = [];
  const seen = new Set<string>();
  for (const hit of hits) {
    const chunk = state.chunks[hit.chunk]!;
    const key = `${chunk.doc}:${chunk.section}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const document = state.documents[chunk.doc]!;
    const section = sectionOf(state, chunk.doc, chunk.section);
    closest.push({ document: document.title, documentId: document.id, section: { number: section.number, title: section.title } });
    if (closest.length === 3) break;
  }
  return { question, answered: false, passages: [], reason: why ? `${REFUSAL_MESSAGE} ${why}` : REFUSAL_MESSAGE, closestSections: closest };
}
