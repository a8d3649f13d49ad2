/**
 * What a question asks about, in the corpus's terms: its content words, the corpus words
 * that stand in for the ones the corpus never uses, and how much of the question the
 * corpus covers at all.
 */
import { toTerm, words, WORD_AS_WRITTEN } from '../text/terms.js';
import type { SearchState } from './searchState.js';
import { nearestWords } from './vocabulary.js';
import { expectedAnswerType, type AnswerType } from './answerType.js';

export interface ExpansionOptions {
  /** Corpus words tried for each question word the corpus lacks. */
  neighbours: number;
  /** Least similarity for a neighbour to join the query. */
  minSimilarity: number;
}

export const DEFAULT_EXPANSION: ExpansionOptions = { neighbours: 2, minSimilarity: 0.6 };

export interface QuestionAnalysis {
  /** Index terms of the question's content words, unique, in order. */
  terms: string[];
  /** Corpus terms standing in for absent question words, with their weight (the similarity). */
  expansions: Map<string, number>;
  /** Surface forms of the expansions, for the lexical query. */
  expansionWords: string[];
  /** A unit vector for each content term the model knows (from the corpus vocabulary, or embedded). */
  termVectors: Map<string, Float32Array>;
  /**
   * Mean over content words of how well the corpus covers each: 1 when the corpus uses the
   * word, else the similarity of its closest corpus word (0 for a word the model does not
   * know). A name the corpus never uses covers nothing (see nameKnown).
   */
  coverage: number;
  /** Share of the question's names (see nameWords) that the corpus never uses, in any form: 0 when it names nothing. */
  nameGap: number;
  /** What kind of statement answers the question (a reason, a number, a date), when its form says. */
  expects: AnswerType | null;
  /**
   * Code names in the question (`rl.clearHistory()`, `readlinePromises`, `Node.js`) that the
   * corpus never uses, word for word. A name is exact: a document that never names it does
   * not answer questions about it, however close its other words are.
   */
  unknownNames: string[];
}

/** Dotted names, calls and camelCase words: names of things in code, never paraphrased. */
const CODE_NAME = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:\(\))?|\b[a-z]+[A-Z][\w$]*|[A-Za-z_$][\w$]*\(\)/g;

export async function analyseQuestion(
  state: SearchState,
  question: string,
  embedWords: (words: string[]) => Promise<Float32Array[]>,
  options: ExpansionOptions = DEFAULT_EXPANSION,
): Promise<QuestionAnalysis> {
  const byTerm = new Map<string, string>();
  for (const w of words(question)) {
    const t = toTerm(w);
    if (t !== null && !byTerm.has(t)) byTerm.set(t, w);
  }
  const terms = [...byTerm.keys()];
  const missing = terms.filter((t) => !state.corpusTerms.has(t));
  const expansions = new Map<string, number>();
  const expansionWords: string[] = [];
  const termVectors = new Map<string, Float32Array>();
  const { dimension, vectors: rows } = state.vocabulary;
  for (const t of terms) {
    const row = state.vocabularyRow.get(t);
    if (row !== undefined) termVectors.set(t, rows.subarray(row * dimension, (row + 1) * dimension));
  }
  let covered = terms.length - missing.length;
  const names = nameWords(question);
  if (missing.length > 0 && state.vocabulary.words.length > 0) {
    const vectors = await embedWords(missing.map((t) => byTerm.get(t)!));
    vectors.forEach((v, i) => {
      termVectors.set(missing[i]!, v);
      const near = nearestWords(state.vocabulary, v, options.neighbours);
      const word = byTerm.get(missing[i]!)!;
      // Word vectors put names of the same kind together ("Kazakhstan" next to
      // "Afghanistan", "Python" next to "JavaScript"): a neighbour stands in for a name in
      // the search, but does not make a document about one thing cover another.
      if (!names.has(word)) covered += Math.max(0, near[0]?.similarity ?? 0);
      for (const n of near) {
        if (n.similarity < options.minSimilarity || byTerm.has(n.term)) continue;
        if (!expansions.has(n.term)) expansionWords.push(n.word);
        expansions.set(n.term, Math.max(expansions.get(n.term) ?? 0, n.similarity));
      }
    });
  }
  return {
    terms,
    expansions,
    expansionWords,
    termVectors,
    coverage: terms.length ? covered / terms.length : 0,
    nameGap: names.size ? [...names].filter((n) => !nameKnown(state, n)).length / names.size : 0,
    expects: expectedAnswerType(question),
    unknownNames: unknownCodeNames(state, question),
  };
}

/**
 * Capitalised words that do not start a sentence ("Kazakhstan", "FIFA", "Kremlin"): names
 * of places, people, organisations, products, lower-cased like words(). A question written
 * in capitals or Title Case throughout says nothing about names: none are taken from it.
 */
export function nameWords(question: string): Set<string> {
  const names = new Set<string>();
  const tokens = [...question.matchAll(WORD_AS_WRITTEN)];
  let capitalised = 0;
  for (let i = 0; i < tokens.length; i++) {
    const { 0: t, index } = tokens[i]!;
    if (t.length < 2 || !/^\p{Lu}/u.test(t)) continue;
    capitalised++;
    // The first word of the question or of a sentence in it is capitalised anyway.
    if (i === 0 || /[.!?:;]\s*$/.test(question.slice(0, index))) continue;
    names.add(t.toLowerCase());
  }
  return tokens.length >= 4 && capitalised > 0.75 * tokens.length ? new Set() : names;
}

/**
 * Whether the corpus uses a name, or another form of it: index terms are cut at six letters,
 * so "Afghan" is found in "Afghanistan" and "Russians" in "Russia". A name too common to be a
 * term ("US" is a stopword) says nothing either way.
 */
function nameKnown(state: SearchState, name: string): boolean {
  const term = toTerm(name);
  return term === null || state.corpusTerms.has(term);
}

/**
 * A full stop with no space after it, before a capitalised function word ("first.Why",
 * "it.The"), ends a sentence typed in a hurry: no module has a member called "Why". Members
 * that are words ("http.Agent", "fs.Stats") stay names.
 */
const RUN_ON_SENTENCE = /\.(?=([A-Z][a-z]*)\b)/g;

function unknownCodeNames(state: SearchState, question: string): string[] {
  const names = question.replace(RUN_ON_SENTENCE, (stop, next: string) => (toTerm(next) === null ? '. ' : stop)).match(CODE_NAME);
  if (!names) return [];
  const known = corpusWords(state);
  const unknown: string[] = [];
  for (const name of names) {
    // Every part must be in the corpus as written, not as a search term: stems would let
    // "clearHeaders" vouch for "clearHistory" (both "clearh"). Single letters ("U.S.",
    // "e.g.") say nothing either way.
    const parts = words(name).filter((w) => w.length > 1);
    if (parts.some((w) => !known.has(w))) unknown.push(name);
  }
  return unknown;
}

/**
 * Every word of the corpus, lower-cased and unstemmed, for exact name checks. Made on the
 * first question that names code, not at start: most questions never need it.
 */
const wordsByState = new WeakMap<SearchState, Set<string>>();

function corpusWords(state: SearchState): Set<string> {
  let known = wordsByState.get(state);
  if (!known) {
    known = new Set<string>();
    for (const s of state.sentences) for (const w of words(s.text)) known.add(w);
    for (const d of state.documents) for (const section of d.sections) for (const w of words(section.title)) known.add(w);
    wordsByState.set(state, known);
  }
  return known;
}
