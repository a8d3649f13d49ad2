/**
 * How text becomes search terms. One analyser serves the lexical index, quote scoring and
 * summaries, so a word is normalised the same way wherever it is compared. Indexes store
 * what it produced (term frequencies, the BM25 index): a change here needs a bump of
 * INDEX_FORMAT_VERSION (index/indexStore.ts).
 */
import { stemmer } from 'stemmer';
// @ts-expect-error: stopword ships no type declarations; `eng` is a string[].
import { eng as englishStopwords } from 'stopword';

/**
 * Words that carry no topic in a question. The stopword list covers function words; the
 * additions are the words people wrap questions in ("why does the document say…").
 */
const STOPWORDS = new Set<string>([
  ...(englishStopwords as string[]),
  'why', 'does', 'do', 'doe', 'tell', 'say', 'says', 'said', 'according', 'document', 'text',
  'article', 'mention', 'mentioned', 'describe', 'explain', 'please', 'anything', 'something',
  'thing', 'things', 'much', 'many', 'can', 'could', 'would', 'should', 'will', 'may', 'might',
  'one', 'ones', 'get', 'got', 'us', 'let', 'also', 'yet', 'still', 'kind', 'way',
]);

/**
 * Porter stems then cut to this many characters. Porter alone leaves derivational families
 * apart ("recognizing" -> recogn, "recognition" -> recognit; "legitimacy" -> legitimaci,
 * "legitimate" -> legitim); truncating the stem joins them, a long-known trick in IR that
 * costs little precision at this length.
 */
export const STEM_LENGTH = 6;

/** Letters, digits and inner apostrophes/hyphens; anything else separates words. */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Splits text into lower-cased words (no stemming, stopwords kept). */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** The same words as written, case kept, with their offsets (`matchAll`): to tell names from words. */
export const WORD_AS_WRITTEN = WORD;

/**
 * Words repeat far more than they vary, and stemming dominates the cost of loading a large
 * corpus's sentences: remember the terms of words seen (bounded, for a long-running bot).
 */
const termCache = new Map<string, string | null>();
const TERM_CACHE_SIZE = 200_000;

/** Normalises one word into its index term, or null when it should not be indexed. */
export function toTerm(word: string): string | null {
  let term = termCache.get(word);
  if (term === undefined) {
    term = computeTerm(word);
    if (termCache.size >= TERM_CACHE_SIZE) termCache.clear();
    termCache.set(word, term);
  }
  return term;
}

function computeTerm(word: string): string | null {
  let w = word.toLowerCase();
  // Possessives: "russia’s" and "russia's" are about Russia.
  w = w.replace(/['’]s$/u, '').replace(/['’]/gu, '');
  if (w.length < 2 && !/\p{N}/u.test(w)) return null;
  if (STOPWORDS.has(w)) return null;
  if (/^\p{N}+$/u.test(w)) return w;
  const stem = stemmer(w);
  return stem.length > STEM_LENGTH ? stem.slice(0, STEM_LENGTH) : stem;
}

/** Text -> index terms, in order, duplicates kept. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = toTerm(w);
    if (t !== null) out.push(t);
  }
  return out;
}
