/**
 * Multiple-choice questions from the document: a central sentence with one key term blanked,
 * the term and three distractors of the same kind taken from elsewhere in the document.
 *
 * Which question a seed gives: the sentences that can make a question are ranked by
 * centrality (the summary's measure, on term overlap so that it needs no model call); seed
 * `s` takes the `s mod n`-th, so consecutive seeds give different sentences, and each pass
 * through the list blanks the sentence's next-best term. The seed also deals the distractors
 * and the order of the options. Nothing else is random: same seed, same corpus, same question.
 */
import { createHash } from 'node:crypto';
import type { QuizOptions, QuizQuestion } from '../types.js';
import type { SearchState } from '../retrieve/searchState.js';
import { passageFromSentences } from '../answer/makePassage.js';
import { terms } from '../text/terms.js';
import { resolveScope } from '../summarise/scope.js';
import { rankScope } from '../summarise/summarise.js';
import { documentTerms, type DocumentTerms, type KeyTerm } from './keyTerms.js';
import { hash32, seededRandom, shuffled } from './random.js';
import { sameThing } from './aliases.js';

/** What replaces the key term in the prompt. */
export const BLANK = '_____';
/** Options per question: the answer and the distractors. */
export const QUIZ_OPTIONS = 4;
/** Distractors are dealt from this many of the most plausible candidates. */
const DISTRACTOR_SHORTLIST = 6;
/** Questions come from the most central share of the sentences that can make one… */
const CENTRAL_SHARE = 0.6;
/** …but never from fewer sentences than this (when there are that many). */
const MIN_POOL = 8;
/** Longest sentence asked about, in characters: a question should read at a glance. */
const MAX_PROMPT_CHARS = 400;

export interface Candidate {
  id: number;
  doc: number;
  centrality: number;
  /** Terms that can be blanked (once in the sentence, three distractors to be had), best first. */
  terms: KeyTerm[];
}

const pools = new WeakMap<SearchState, Map<string, Candidate[]>>();

function countOf(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
  return n;
}

/** How much a candidate distractor looks like the answer (higher is more plausible). */
function plausibility(answer: KeyTerm, other: KeyTerm): number {
  const a = answer.text;
  const b = other.text;
  const length = Math.abs(a.length - b.length) / Math.max(a.length, b.length);
  switch (answer.kind) {
    case 'number': {
      const format = (x: string) => `${x.endsWith('%')}${x.includes('.')}${x.replace(/\D/g, '').length}`;
      const size = Math.abs(Math.log10(Number.parseFloat(a.replace(/,/g, '')) + 1) - Math.log10(Number.parseFloat(b.replace(/,/g, '')) + 1));
      return -(format(a) === format(b) ? 0 : 1) - size / 3;
    }
    case 'code': {
      // Calls with calls, event names with event names, literals with literals.
      const shape = (x: string) => [x.endsWith(')`'), /^`['"]/.test(x), x.includes('.'), /^`(true|false|null|undefined|-?\d[\d.]*)`$/.test(x)];
      const sa = shape(a);
      const mismatches = shape(b).filter((v, i) => v !== sa[i]).length;
      return -mismatches - length;
    }
    default:
      return -Math.abs(answer.words - other.words) - length;
  }
}

const termSets = new WeakMap<KeyTerm, Set<string>>();
function termSetOf(t: KeyTerm): Set<string> {
  let set = termSets.get(t);
  if (!set) termSets.set(t, (set = new Set(terms(t.text))));
  return set;
}

function validDistractor(term: KeyTerm, answerTerms: Set<string>, sentence: string, key: string, other: KeyTerm, aliases: DocumentTerms['aliases']): boolean {
  const answer = term.text.toLowerCase();
  if (key === answer || sentence.includes(key) || key.includes(answer) || answer.includes(key)) return false;
  // Another name for the answer (Moscow for Russia) would be a second right answer.
  if (term.kind === 'name' && sameThing(term.text, other.text, aliases)) return false;
  if (term.kind === 'phrase') {
    if (other.words !== term.words) return false;
    const ratio = other.text.length / term.text.length;
    if (ratio < 0.5 || ratio > 2) return false;
    // A synonym-like phrase ("formal recognition" for "diplomatic recognition") would be a second right answer.
    for (const t of termSetOf(other)) if (answerTerms.has(t)) return false;
  }
  return true;
}

/** Distractors for `term` in `quote`, most plausible first; `enough` stops at that many (a cheap existence check). */
function distractorsFor(term: KeyTerm, quote: string, pool: Map<string, KeyTerm>, aliases: DocumentTerms['aliases'], enough = Infinity): string[] {
  const sentence = quote.toLowerCase();
  const answerTerms = termSetOf(term);
  const valid: Array<{ text: string; score: number }> = [];
  for (const [key, other] of pool) {
    if (!validDistractor(term, answerTerms, sentence, key, other, aliases)) continue;
    // Distractors must not contain one another either ("Asia", "South Asia").
    if (enough !== Infinity && valid.some((v) => v.text.toLowerCase().includes(key) || key.includes(v.text.toLowerCase()))) continue;
    valid.push({ text: other.text, score: plausibility(term, other) });
    if (valid.length >= enough) break;
  }
  valid.sort((a, b) => b.score - a.score || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return valid.map((v) => v.text);
}

/** Picks `count` distractors from the shortlist (then the rest), none inside another nor another name for it. */
function dealDistractors(ranked: readonly string[], count: number, random: () => number, aliases: DocumentTerms['aliases']): string[] | undefined {
  const order = [...shuffled(ranked.slice(0, DISTRACTOR_SHORTLIST), random), ...ranked.slice(DISTRACTOR_SHORTLIST)];
  const chosen: string[] = [];
  for (const d of order) {
    const low = d.toLowerCase();
    if (chosen.some((c) => c.toLowerCase().includes(low) || low.includes(c.toLowerCase()) || sameThing(c, d, aliases))) continue;
    chosen.push(d);
    if (chosen.length === count) return chosen;
  }
  return undefined;
}

function candidatesFor(state: SearchState, options: QuizOptions): Candidate[] {
  const key = `${options.documentId ?? ''}\u0000${options.section ?? ''}`;
  let perState = pools.get(state);
  if (!perState) pools.set(state, (perState = new Map()));
  const cached = perState.get(key);
  if (cached) return cached;

  const scope = resolveScope(state, options);
  const ranked = rankScope(state, scope, undefined);
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const id of scope.flatMap((s) => s.sentences)) {
    const doc = state.sentences[id]!.doc;
    const found = documentTerms(state, doc);
    const quote = passageFromSentences(state, id, id, 0).quote;
    if (quote.length > MAX_PROMPT_CHARS || quote.includes(BLANK)) continue;
    // Documents repeat sentences (an API documented twice); one question per wording.
    if (seen.has(`${doc}\u0000${quote}`)) continue;
    seen.add(`${doc}\u0000${quote}`);
    const usable: KeyTerm[] = [];
    for (const term of found.bySentence.get(id) ?? []) {
      // The prompt must not give the answer away: the term occurs once in the sentence.
      if (countOf(quote.toLowerCase(), term.text.toLowerCase()) !== 1) continue;
      if (distractorsFor(term, quote, found.pools[term.kind], found.aliases, QUIZ_OPTIONS - 1).length < QUIZ_OPTIONS - 1) continue;
      usable.push(term);
    }
    if (usable.length > 0) out.push({ id, doc, centrality: ranked.centrality.get(id) ?? 0, terms: usable });
  }
  out.sort((a, b) => b.centrality - a.centrality || a.id - b.id);
  const pool = out.slice(0, Math.max(MIN_POOL, Math.ceil(CENTRAL_SHARE * out.length)));
  spreadAnswers(pool);
  perState.set(key, pool);
  return pool;
}

/**
 * The document's most frequent names are the best-scoring blank of many sentences ("Russia"
 * in most of the seed), so left alone they would be the answer of question after question.
 * Each term may lead (be the first pick of) at most its share of the pool's sentences: in
 * proportion to the number of them it can be blanked in. A sentence whose better terms have
 * used their share leads with its next one; when none is left, with its best.
 */
export function spreadAnswers(pool: Candidate[]): void {
  const usableIn = new Map<string, number>();
  for (const c of pool) for (const key of new Set(c.terms.map((t) => t.text.toLowerCase()))) usableIn.set(key, (usableIn.get(key) ?? 0) + 1);
  const total = [...usableIn.values()].reduce((a, b) => a + b, 0);
  const share = (key: string) => Math.max(1, Math.round((pool.length * usableIn.get(key)!) / total));
  const led = new Map<string, number>();
  for (const c of pool) {
    const free = c.terms.findIndex((t) => (led.get(t.text.toLowerCase()) ?? 0) < share(t.text.toLowerCase()));
    const lead = Math.max(0, free);
    if (lead > 0) c.terms = [c.terms[lead]!, ...c.terms.filter((_, i) => i !== lead)];
    const key = c.terms[0]!.text.toLowerCase();
    led.set(key, (led.get(key) ?? 0) + 1);
  }
}

/** The question for `options.seed` (default 0), or undefined when no sentence in scope can make one. */
export function makeQuestion(state: SearchState, options: QuizOptions = {}): QuizQuestion | undefined {
  const pool = candidatesFor(state, options);
  if (pool.length === 0) return undefined;
  const seed = Number.isFinite(options.seed) ? Math.floor(options.seed!) : 0;
  const mod = (a: number, n: number) => ((a % n) + n) % n;
  const index = mod(seed, pool.length);
  const round = Math.floor(seed / pool.length);
  // The seed's sentence and term; should its distractors fail to deal (rare: candidates that
  // contain one another), the next term, then the next sentence.
  for (let k = 0; k < pool.length; k++) {
    const candidate = pool[(index + k) % pool.length]!;
    for (let j = 0; j < candidate.terms.length; j++) {
      const term = candidate.terms[mod(round + j, candidate.terms.length)]!;
      const question = questionFor(state, candidate, term, seed);
      if (question) return question;
    }
  }
  return undefined;
}

function questionFor(state: SearchState, candidate: Candidate, term: KeyTerm, seed: number): QuizQuestion | undefined {
  const passage = passageFromSentences(state, candidate.id, candidate.id, candidate.centrality);
  const found = documentTerms(state, candidate.doc);
  const distractors = distractorsFor(term, passage.quote, found.pools[term.kind], found.aliases);
  const id = createHash('sha256').update(`${passage.documentId}\u0000${passage.quote}\u0000${term.text}`).digest('hex').slice(0, 16);
  const random = seededRandom(hash32(`${seed}\u0000${id}`));
  const dealt = dealDistractors(distractors, QUIZ_OPTIONS - 1, random, found.aliases);
  if (!dealt) return undefined;
  const options = shuffled([term.text, ...dealt], random);
  return {
    id,
    prompt: passage.quote.slice(0, term.start) + BLANK + passage.quote.slice(term.start + term.text.length),
    options,
    answerIndex: options.indexOf(term.text),
    passage,
  };
}
