/**
 * Sentence boundaries with offsets, using the built-in ICU sentence segmenter
 * (`Intl.Segmenter`, granularity 'sentence') plus two small corrections.
 *
 * Why ICU rather than `sentence-splitter`: checked on Node 20 (ICU 78), ICU splits after a
 * year or number ("born in 1990. He died" — sentence-splitter treats any "1990." as a list
 * index and never splits there), and handles "U.S.", decimals, quotes, "e.g. on" and inline
 * code. Its weak spots are what the corrections below fix:
 *  1. ICU treats every line break as a hard boundary, so hard-wrapped paragraphs would be cut
 *     at each line end. We segment a copy in which a line break that is not part of a blank
 *     line is replaced by spaces (same length, so offsets are unchanged).
 *  2. ICU has no abbreviation list in V8 (the `-u-ss-standard` locale extension is ignored),
 *     so "Dr. Smith", "Fig. 3", "John F. Kennedy", "i.e. That" get split. A segment ending
 *     with such an abbreviation is joined with the next one.
 *  3. ICU splits after an initialism followed by a capital ("the U.S. Capitol", "the U.N.
 *     Security Council"). Whether such a dot also ends the sentence shows in the next word: a
 *     sentence starts with a function word ("They moved to the U.S. It was cold") far more
 *     often than a name continues with one.
 */
// @ts-expect-error: stopword ships no type declarations; `eng` is a string[].
import { eng as englishStopwords } from 'stopword';
import type { Sentence } from '../types.js';

/** Titles written before a name: never end a sentence. */
const TITLE_ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'sr', 'sen', 'rep', 'gov', 'gen', 'col', 'lt', 'capt',
  'sgt', 'cmdr', 'adm', 'rev', 'hon', 'pres', 'amb', 'st', 'mt', 'messrs', 'mme', 'fr', 'supt',
]);

/** Abbreviations that never end a sentence (whatever follows). */
const INLINE_ABBREVIATIONS = new Set(['vs', 'cf', 'viz', 'e.g', 'i.e', 'eg', 'ie']);

/** Abbreviations that precede a number: "Fig. 3", "No. 5", "Jan. 2020", "pp. 10–12". */
const NUMBER_ABBREVIATIONS = new Set([
  'no', 'nos', 'fig', 'figs', 'vol', 'vols', 'p', 'pp', 'sec', 'sect', 'art', 'ch', 'chap', 'eq',
  'ref', 'ex', 'approx', 'ca', 'c', 'est', 'ver', 'op', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul',
  'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);

/** Words that open sentences; after an initialism they mean the sentence did end there. */
const SENTENCE_OPENERS = new Set<string>([
  ...(englishStopwords as string[]),
  'she', 'her', 'his', 'its', 'however', 'meanwhile', 'yet', 'still', 'then', 'thus', 'now', 'today', 'yesterday', 'instead', 'later',
  'when', 'while', 'although', 'though', 'whether', 'unless',
]);

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * ICU is fed windows of about this many characters: iterating the segments of one long string
 * gets slower with its length (Node 20: 80 KB 0.2 s, 160 KB 12 s), windows keep it linear.
 */
export const SEGMENT_WINDOW_CHARS = 16 * 1024;

const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * Split `text` into trimmed, non-empty sentences. Offsets are `offset + index in text`, so
 * pass the block's start to get offsets into the whole document.
 */
export function splitSentences(text: string, offset = 0): Sentence[] {
  const ranges: Array<[number, number]> = [];
  for (const [start, end] of icuSentences(softenLineBreaks(text))) {
    const range = trimRange(text, start, end);
    if (range) ranges.push(range);
  }

  const merged: Array<[number, number]> = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && shouldJoin(text.slice(last[0], last[1]), text.slice(range[0], range[1]))) {
      last[1] = range[1];
    } else {
      merged.push([range[0], range[1]]);
    }
  }

  return merged.map(([start, end]) => ({
    text: text.slice(start, end),
    start: offset + start,
    end: offset + end,
  }));
}

/**
 * ICU sentence segments of `text`, segmenting it window by window. A window ends just after a
 * letter, so every boundary in it is decided as in the whole text (ICU's rules look ahead to
 * the next letter at most); the window's last segment may be cut short, so the next window
 * starts where that segment starts.
 */
export function icuSentences(text: string, windowChars = SEGMENT_WINDOW_CHARS): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  let position = 0;
  let size = windowChars;
  while (position < text.length) {
    const end = windowEnd(text, position + size);
    const segments = [...segmenter.segment(text.slice(position, end))];
    if (end === text.length) {
      for (const { index, segment } of segments) result.push([position + index, position + index + segment.length]);
      break;
    }
    if (segments.length < 2) {
      size *= 2; // one sentence longer than the window: widen it
      continue;
    }
    const last = segments[segments.length - 1]!;
    for (const { index, segment } of segments.slice(0, -1)) result.push([position + index, position + index + segment.length]);
    position += last.index;
    size = windowChars;
  }
  return result;
}

/** Just after the first letter at or after `at`, or the end of the text. */
function windowEnd(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const letter = /\p{L}/gu;
  letter.lastIndex = at;
  const m = letter.exec(text);
  return m ? m.index + m[0].length : text.length;
}

/** The whole of `text`, trimmed, as one sentence (for code blocks); none when blank. */
export function wholeAsSentence(text: string, offset = 0): Sentence[] {
  const range = trimRange(text, 0, text.length);
  if (!range) return [];
  return [{ text: text.slice(range[0], range[1]), start: offset + range[0], end: offset + range[1] }];
}

/** Shrink [start, end) past whitespace at both ends; undefined when nothing is left. */
export function trimRange(text: string, start: number, end: number): [number, number] | undefined {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return start < end ? [start, end] : undefined;
}

/**
 * Replace line breaks by spaces inside whitespace runs holding a single line break (a soft
 * wrap); runs with two or more (a blank line) keep theirs, so ICU still breaks there.
 */
function softenLineBreaks(text: string): string {
  return text.replace(/\s+/g, (run) => {
    const breaks = run.match(/\r\n|\r|\n/g)?.length ?? 0;
    return breaks === 1 ? run.replace(/[\r\n]/g, ' ') : run;
  });
}

/** Whether a segment that ends with `prev` should continue into `next`. */
function shouldJoin(prev: string, next: string): boolean {
  // Punctuation alone (a stray ")" or "—") belongs to the sentence before it.
  if (!HAS_WORD.test(next)) return true;
  // A bare list index or number ("1.", "2)") is no sentence on its own.
  if (/^\(?\d{1,3}[.)]$/.test(prev)) return true;

  const [before = '', lastWord = ''] = lastTwoWords(prev);
  if (!lastWord.endsWith('.')) return false;
  // Strip opening brackets/quotes: "(cf." -> "cf."
  const word = lastWord.replace(/^[("'“‘[]+/, '');
  const bare = word.slice(0, -1).toLowerCase();

  if (TITLE_ABBREVIATIONS.has(bare) || INLINE_ABBREVIATIONS.has(bare)) return true;
  if (NUMBER_ABBREVIATIONS.has(bare) && /^[\p{N}(]/u.test(next)) return true;

  // A middle initial between two capitalised words: "John F. Kennedy" (not "you and I. Did").
  if (/^\p{Lu}\.$/u.test(word) && /^\p{Lu}/u.test(before) && /^\p{Lu}/u.test(next)) return true;
  // An initialism before a name: "the U.S. Capitol" (not "the U.S. It was").
  if (/^(\p{Lu}\.){2,}$/u.test(word)) {
    // Letters only: "It's" is looked up as "it".
    const nextWord = /^\p{Lu}\p{L}*/u.exec(next)?.[0];
    return nextWord !== undefined && !SENTENCE_OPENERS.has(nextWord.toLowerCase());
  }
  return false;
}

/** The last two whitespace-separated words of `text` (which is trimmed), scanning from the end. */
function lastTwoWords(text: string): [string, string] {
  const words: string[] = [];
  let end = text.length;
  for (let i = text.length - 1; i >= -1 && words.length < 2; i--) {
    if (i === -1 || /\s/.test(text[i]!)) {
      if (i + 1 < end) words.unshift(text.slice(i + 1, end));
      end = i;
    }
  }
  return words.length === 2 ? [words[0]!, words[1]!] : ['', words[0] ?? ''];
}

/**
 * Longest sentence kept whole, in characters. Real prose sentences stay far below it; a file
 * with no punctuation at all (a hostile or broken one) would otherwise be one sentence, one
 * chunk and one quote of megabytes. Longer ones are cut at a clause, else at a word.
 */
export const MAX_SENTENCE_CHARS = 1000;
/** The same bound for code blocks and table rows, cut at a line break where there is one. */
export const MAX_CODE_SENTENCE_CHARS = 4000;

/** Where a long sentence may be cut, best first: after clause punctuation, at a line break, at a space. */
const CLAUSE_END = /[;:,\u2014\u2013)\]]/;

/**
 * `sentence` cut into pieces of at most `max` characters, each trimmed: at the last clause
 * mark (or, for code, line break) in the second half of the allowance, else the last space,
 * else (one "word" of `max` characters) anywhere outside a surrogate pair. Linear: each cut
 * looks back over at most `max` characters.
 */
export function boundSentence(sentence: Sentence, max = MAX_SENTENCE_CHARS, preferLines = false): Sentence[] {
  if (sentence.text.length <= max) return [sentence];
  const text = sentence.text;
  const pieces: Sentence[] = [];
  let from = 0;
  while (text.length - from > max) {
    const limit = from + max;
    let cut = -1;
    for (let i = limit; i > from + max / 2 && cut < 0; i--) {
      const c = text[i - 1]!;
      if (preferLines ? c === '\n' : CLAUSE_END.test(c) && /\s/.test(text[i] ?? ' ')) cut = i;
    }
    for (let i = limit; i > from && cut < 0; i--) if (/\s/.test(text[i - 1]!)) cut = i;
    if (cut < 0) cut = /[\uDC00-\uDFFF]/.test(text[limit] ?? '') ? limit - 1 : limit;
    const range = trimRange(text, from, cut);
    if (range) pieces.push({ text: text.slice(range[0], range[1]), start: sentence.start + range[0], end: sentence.start + range[1] });
    from = cut;
  }
  const range = trimRange(text, from, text.length);
  if (range) pieces.push({ text: text.slice(range[0], range[1]), start: sentence.start + range[0], end: sentence.start + range[1] });
  return pieces;
}
