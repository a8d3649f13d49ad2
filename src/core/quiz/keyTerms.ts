/**
 * Key terms a quiz can blank out of a sentence, found without an NLP library:
 *
 * - names: runs of capitalised words ("Central Asian", "ISIS-K", "Moscow") seen somewhere in
 *   the document where capitals are not explained by position (sentence start, a list label
 *   such as "Security Concerns:"); a possessive ending stays in the sentence ("Russia" of "Russia’s");
 * - numbers: "1990", "3.5", "40%";
 * - code: inline code spans of Markdown ("`rl.close()`");
 * - phrases: one or two content words right after a determiner or preposition ("a
 *   *significant shift*", "of *international relations*"), the cheapest sign of a noun phrase.
 *
 * Every term keeps its offset in the sentence's quote so the blank is cut at the right place.
 */
import type { SearchState } from '../retrieve/searchState.js';
import { foldWhitespace } from '../answer/makePassage.js';
import { toTerm } from '../text/terms.js';
import { HTML_TAG } from '../summarise/scope.js';
import { documentAliases } from './aliases.js';

export type TermKind = 'name' | 'number' | 'code' | 'phrase';

export interface KeyTerm {
  /** The term exactly as the quote has it. */
  text: string;
  kind: TermKind;
  /** Offset of the term in the sentence's quote (whitespace folded, as in `Passage.quote`). */
  start: number;
  words: number;
  /** How good a blank it makes: the kind first, then rarity (idf). Higher is better. */
  weight: number;
}

/** Per kind, how much a blank of it is worth before rarity: names and numbers make the clearest questions. */
const KIND_WEIGHT = { multiWordName: 1, number: 1, code: 0.8, name: 0.6, phrase: 0.5, word: 0.2 } as const;
/**
 * Longest phrase blanked, in words. Longer runs of content words after a determiner usually
 * run on into the verb ("the situation urges stakeholders"), which no rule without a tagger
 * can cut reliably; two words rarely do.
 */
const MAX_PHRASE_WORDS = 2;
/** A phrase ends with its noun: a last word with an adjective's suffix means the noun is missing ("sustained humanitarian [efforts]"). */
const ADJECTIVE_ENDING = /(ous|ive|ful|able|ible|ical|ian)$/;
/** Function words the stopword list lets through; a phrase never contains one. */
const NOT_IN_PHRASE = new Set(['not', 'no', 'nor', 'only', 'just', 'very', 'such', 'own', 'same', 'both', 'either', 'neither', 'whose', 'which']);
/** A one-word phrase must be at least this long to be worth asking about ("education", not "aid"). */
const MIN_SINGLE_WORD_LENGTH = 6;
/** Longest code span blanked, in characters. */
const MAX_CODE_LENGTH = 40;

/**
 * Words after which a noun phrase starts. "to" and "that" are left out: they precede verbs as
 * often as nouns ("policies that curtail freedom").
 */
/**
 * Determiners: a noun phrase is rarely followed straight by one, a verb often is ("this move
 * *signals a* shift"), so two content words before one are a subject and its verb.
 */
const DETERMINERS = new Set(['a', 'an', 'the', 'this', 'these', 'those', 'its', 'their', 'his', 'her', 'our', 'your', 'my']);

/** Determiners of one thing: the noun after them is singular, so a second word in -s is a verb. */
const SINGULAR_DETERMINERS = new Set(['a', 'an', 'this', 'each', 'every', 'another']);
/** A verb's -s, not the -s of "crisis", "status", "process". */
const THIRD_PERSON_S = /[^isu']s$/;

const PHRASE_STARTERS = new Set([
  'a', 'an', 'the', 'this', 'these', 'those', 'its', 'their', 'his', 'her', 'our', 'your', 'my',
  'of', 'in', 'for', 'with', 'on', 'by', 'from', 'about', 'into', 'over', 'under', 'between', 'among',
  'without', 'within', 'through', 'across', 'against', 'toward', 'towards', 'amid', 'amidst', 'despite',
]);

const TOKEN = /[\p{L}\p{N}](?:[\p{L}\p{N}_]|[.'’+-](?=[\p{L}\p{N}]))*/gu;
const CODE_SPAN = /`[^`]+`/g;
const NUMBER = /^\d+(?:[.,]\d+)*$/;
const POSSESSIVE = /['’]s$/u;
const CAPITALISED = /^\p{Lu}/u;
const LOWER_WORD = /^\p{Ll}[\p{Ll}-]*$/u;
/** Characters after which a capital letter is explained by position, not by being a name (an HTML tag's '>' starts a table cell). */
const BOUNDARY = /(^|[.!?:;}>|—–]|\s[-*])$/u;
/** A "Label:" at the start of a sentence (list items such as "Economic Interests: Unlocking …"). */
const LABEL = /^[^.!?]{1,60}:\s/u;

function isPhraseWord(word: string): boolean {
  if (!LOWER_WORD.test(word) || NOT_IN_PHRASE.has(word) || PHRASE_STARTERS.has(word) || toTerm(word) === null) return false;
  // A hyphen used as a dash ("cooperation-ranging", "acceptance-or") joins words of two phrases.
  const parts = word.split('-');
  if (parts.length > 1 && (parts.some((p) => toTerm(p) === null) || parts.every((p) => p.length >= 7))) return false;
  return true;
}

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Blanks out matches with spaces, keeping offsets. */
function mask(text: string, pattern: RegExp): string {
  return text.replace(pattern, (m) => ' '.repeat(m.length));
}

function tokenize(text: string): Token[] {
  return [...text.matchAll(TOKEN)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

interface NameRun {
  text: string;
  start: number;
  tokens: number;
  /** Capitals explained by position: sentence start, after a boundary, inside a leading label. */
  positional: boolean;
  /** The same run without its first word, when the first word may be capitalised by position. */
  rest?: { text: string; start: number; tokens: number };
}

/** `masked` is `quote` with code and tags blanked; tokens come from it, positions are judged on `quote`. */
function nameRuns(quote: string, masked: string, tokens: Token[]): NameRun[] {
  const label = LABEL.exec(quote);
  const labelEnd = label ? label[0].length : 0;
  const runs: NameRun[] = [];
  let i = 0;
  while (i < tokens.length) {
    const isName = (t: Token) => CAPITALISED.test(t.text) && t.text.replace(POSSESSIVE, '').length >= 2 && !NUMBER.test(t.text);
    if (!isName(tokens[i]!)) {
      i++;
      continue;
    }
    const parts: Token[] = [];
    let j = i;
    while (j < tokens.length && isName(tokens[j]!)) {
      const t = tokens[j]!;
      if (parts.length > 0 && masked.slice(parts[parts.length - 1]!.end, t.start) !== ' ') break;
      parts.push(t);
      j++;
      if (POSSESSIVE.test(t.text)) break;
    }
    const last = parts[parts.length - 1]!;
    const end = last.end - (POSSESSIVE.test(last.text) ? 2 : 0);
    const start = parts[0]!.start;
    const before = quote.slice(0, start).replace(/[\s"“‘'([{*_]+$/u, '');
    const positional = BOUNDARY.test(before) || start < labelEnd;
    const run: NameRun = { text: quote.slice(start, end), start, tokens: parts.length, positional };
    if (positional && parts.length > 1) run.rest = { text: quote.slice(parts[1]!.start, end), start: parts[1]!.start, tokens: parts.length - 1 };
    runs.push(run);
    i = j;
  }
  return runs;
}

/** The document's names: capitalised runs seen at least once where position does not explain the capitals. */
export function knownNames(quotes: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const quote of quotes) {
    const masked = mask(mask(quote, CODE_SPAN), HTML_TAG);
    for (const run of nameRuns(quote, masked, tokenize(masked))) if (!run.positional) names.add(run.text);
  }
  return names;
}

/** Key terms of one sentence's quote, best first. `rarity` maps a word to [0, 1] (1 = rarest). */
export function keyTermsOf(quote: string, names: ReadonlySet<string>, rarity: (word: string) => number): KeyTerm[] {
  const out: KeyTerm[] = [];
  const meanRarity = (text: string) => {
    const ws = text.split(/\s+/);
    return ws.reduce((a, w) => a + rarity(w), 0) / ws.length;
  };

  for (const m of quote.matchAll(CODE_SPAN)) {
    if (m[0].length > MAX_CODE_LENGTH || !/[\p{L}\p{N}]/u.test(m[0])) continue;
    out.push({ text: m[0], kind: 'code', start: m.index, words: 1, weight: KIND_WEIGHT.code + meanRarity(m[0].slice(1, -1)) });
  }

  const masked = mask(mask(quote, CODE_SPAN), HTML_TAG);
  const tokens = tokenize(masked);
  for (const run of nameRuns(quote, masked, tokens)) {
    const pick = !run.positional || names.has(run.text) ? run : run.rest && names.has(run.rest.text) ? run.rest : undefined;
    if (!pick) continue;
    const base = pick.tokens > 1 ? KIND_WEIGHT.multiWordName : KIND_WEIGHT.name;
    out.push({ text: pick.text, kind: 'name', start: pick.start, words: pick.tokens, weight: base + meanRarity(pick.text) });
  }

  for (const t of tokens) {
    if (!NUMBER.test(t.text)) continue;
    // A number glued to a word or an identifier ("v20", "x2") is not a quantity.
    if (/[\p{L}_$]/u.test(masked[t.start - 1] ?? '')) continue;
    const text = masked[t.end] === '%' ? `${t.text}%` : t.text;
    out.push({ text, kind: 'number', start: t.start, words: 1, weight: KIND_WEIGHT.number + rarity(t.text) });
  }

  for (let i = 0; i < tokens.length; i++) {
    if (!PHRASE_STARTERS.has(tokens[i]!.text.toLowerCase())) continue;
    const run: Token[] = [];
    let j = i + 1;
    let prevEnd = tokens[i]!.end;
    while (j < tokens.length && masked.slice(prevEnd, tokens[j]!.start) === ' ' && isPhraseWord(tokens[j]!.text)) {
      run.push(tokens[j]!);
      prevEnd = tokens[j]!.end;
      j++;
    }
    if (run.length === 0 || run.length > MAX_PHRASE_WORDS) continue;
    // The noun phrase goes on (into a name, a number, code, or a word that cannot be blanked
    // with it): blanking part of it would mislead.
    const next = tokens[j];
    if (next && masked.slice(prevEnd, next.start) === ' ' && (!LOWER_WORD.test(next.text) || (toTerm(next.text) !== null && !PHRASE_STARTERS.has(next.text)))) continue;
    // "This _____ a potential shift" (answer "move signals"): a blank must not take a verb with its subject.
    if (run.length > 1 && next && masked.slice(prevEnd, next.start) === ' ' && DETERMINERS.has(next.text.toLowerCase())) continue;
    // After a singular determiner, a last word in -s is a verb ("this move comes amid"), not a plural.
    if (run.length > 1 && SINGULAR_DETERMINERS.has(tokens[i]!.text.toLowerCase()) && THIRD_PERSON_S.test(run[run.length - 1]!.text)) continue;
    // Before the colon of a list's lead-in the last word is its verb ("issues under scrutiny include:").
    if (run.length > 1 && /^\s*:/.test(masked.slice(prevEnd))) continue;
    if (/^ ?[`<\[]/.test(quote.slice(prevEnd))) continue;
    const ws = run.map((t) => t.text);
    if (ws.some((w) => w.endsWith('ly')) || ws[ws.length - 1]!.endsWith('ed') || ADJECTIVE_ENDING.test(ws[ws.length - 1]!)) continue;
    if (ws.length === 1 && ws[0]!.length < MIN_SINGLE_WORD_LENGTH) continue;
    const text = quote.slice(run[0]!.start, run[run.length - 1]!.end);
    out.push({ text, kind: 'phrase', start: run[0]!.start, words: run.length, weight: (run.length > 1 ? KIND_WEIGHT.phrase : KIND_WEIGHT.word) + meanRarity(text) });
  }

  return out.sort((a, b) => b.weight - a.weight || a.start - b.start);
}

export interface DocumentTerms {
  /** Key terms of each sentence of the document (by sentence-table index), best first. */
  bySentence: Map<number, KeyTerm[]>;
  /** Every term of each kind in the document, keyed by lower case: where distractors come from. */
  pools: Record<TermKind, Map<string, KeyTerm>>;
  /** Names the document declares to be one ("Name (ACRONYM)"), lower-cased, both ways. */
  aliases: Map<string, Set<string>>;
}

const cache = new WeakMap<SearchState, Map<number, DocumentTerms>>();

/** Key terms of every sentence of a document outside code blocks (computed once per index). */
export function documentTerms(state: SearchState, doc: number): DocumentTerms {
  let perState = cache.get(state);
  if (!perState) cache.set(state, (perState = new Map()));
  const cached = perState.get(doc);
  if (cached) return cached;

  const ids: number[] = [];
  state.sentences.forEach((s, id) => {
    if (s.doc === doc && state.sentenceRole(id) !== 'code') ids.push(id);
  });
  const quotes = new Map(ids.map((id) => [id, foldWhitespace(state.sentences[id]!.text)] as const));
  const names = knownNames([...quotes.values()]);
  let maxIdf = 0;
  for (const v of state.idf.values()) maxIdf = Math.max(maxIdf, v);
  const rarity = (word: string) => {
    const term = toTerm(word);
    return term === null || maxIdf === 0 ? 0 : (state.idf.get(term) ?? maxIdf) / maxIdf;
  };
  const result: DocumentTerms = { bySentence: new Map(), pools: { name: new Map(), number: new Map(), code: new Map(), phrase: new Map() }, aliases: documentAliases(quotes.values()) };
  for (const id of ids) {
    const found = keyTermsOf(quotes.get(id)!, names, rarity);
    result.bySentence.set(id, found);
    for (const t of found) {
      const key = t.text.toLowerCase();
      if (!result.pools[t.kind].has(key)) result.pools[t.kind].set(key, t);
    }
  }
  perState.set(doc, result);
  return result;
}
