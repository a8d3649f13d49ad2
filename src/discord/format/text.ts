/**
 * Text for Discord: escaping the document's (and the user's) text so it cannot break the
 * bot's markdown or mention anyone, and cutting or paging it at sentence boundaries,
 * never in the middle of a word.
 */

/**
 * Characters that mean something to Discord's markdown or mention syntax anywhere in a line:
 * emphasis, code, spoilers, masked links (`[`), `<@id>`/`<#id>`/`<t:…>` tags and
 * `@everyone`/`@here`. A backslash before punctuation shows it literally.
 */
const INLINE_MARKDOWN = /[\\*_~`|[\]<@]/g;
/** Markdown that only counts at the start of a line: quotes, headings, lists, subtext, numbered lists. */
const LINE_START_MARKDOWN = /^([ \t]*)(?:([>#+-])|(\d+)\.)/gm;

/** Escapes `text` so it renders exactly as written, as plain text. Reversed by {@link unescapeMarkdown}. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(INLINE_MARKDOWN, '\\$&')
    .replace(LINE_START_MARKDOWN, (_m, indent: string, mark: string | undefined, digits: string | undefined) => (mark ? `${indent}\\${mark}` : `${indent}${digits}\\.`));
}

/** The inverse of {@link escapeMarkdown}: `unescapeMarkdown(escapeMarkdown(s)) === s`. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([^\p{L}\p{N}\s])/gu, '$1');
}

/** Folds runs of white space (new lines included) into single spaces: the engine's own rule for quotes. */
export { foldWhitespace } from '../../core/answer/makePassage.js';

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Sentences of `text`, each with its trailing white space, so that `join('')` gives `text` back. */
export function splitSentences(text: string): string[] {
  return [...sentenceSegmenter.segment(text)].map((s) => s.segment);
}

/** Words of `text`, each with its trailing white space, so that `join('')` gives `text` back. */
export function splitWords(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/**
 * `items` joined with `separator`, as many as fit in `max` characters, then "and K more":
 * for lists in replies (channels, documents) that a server can make longer than Discord
 * allows. Items are never cut.
 */
export function joinWithin(items: readonly string[], max: number, separator = ', '): string {
  const more = (left: number) => (left > 0 ? ` and ${left.toLocaleString('en')} more` : '');
  const whole = items.join(separator);
  if (whole.length <= max) return whole;
  let length = 0;
  let fits = 0;
  for (let n = 1; n <= items.length; n++) {
    length += (n > 1 ? separator.length : 0) + items[n - 1]!.length;
    if (length + more(items.length - n).length > max) break;
    fits = n;
  }
  if (fits === 0 && items.length > 0) return `${items.length.toLocaleString('en')} more`;
  return `${items.slice(0, fits).join(separator)}${more(items.length - fits)}`;
}

/**
 * Cuts `text` to at most `max` characters at a word boundary, adding `…`. Used for titles
 * and labels (one line, already escaped or plain).
 */
export function truncateWords(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const word of splitWords(text)) {
    if ((out + word).trimEnd().length + 1 > max) break;
    out += word;
  }
  out = out.trimEnd();
  // A single word longer than the limit: nothing to cut at, so cut the word (labels only).
  if (out === '') out = text.slice(0, max - 1);
  return `${out.replace(/\\$/, '')}…`;
}

/**
 * Packs `units` (already in final form, e.g. escaped) into pages of at most `max`
 * characters, in order, joining units with `joiner`. A unit longer than a page is split
 * into sentences, then words; only a single "word" longer than a page (a huge URL) is cut.
 */
export function packPages(units: readonly string[], max: number, joiner = ''): string[] {
  const pages: string[] = [];
  let page = '';
  const push = (piece: string, sep: string) => {
    if (page === '') page = piece;
    else if (page.length + sep.length + piece.length <= max) page += sep + piece;
    else {
      pages.push(page.trimEnd());
      page = piece.trimStart();
    }
  };
  for (const unit of units) {
    if (unit.length <= max) {
      push(unit, joiner);
      continue;
    }
    let first = true;
    for (const piece of splitToFit(unit, max)) {
      push(piece, first ? joiner : '');
      first = false;
    }
  }
  if (page.trim() !== '') pages.push(page.trimEnd());
  return pages;
}

/** Pieces of at most `max` characters, cut between sentences, else between words. */
function splitToFit(text: string, max: number): string[] {
  const pieces: string[] = [];
  for (const sentence of splitSentences(text)) {
    if (sentence.length <= max) {
      pieces.push(sentence);
      continue;
    }
    for (const word of splitWords(sentence)) {
      if (word.length <= max) pieces.push(word);
      else for (let i = 0; i < word.length; i += max) pieces.push(word.slice(i, i + max));
    }
  }
  return pieces;
}

/**
 * The longest run of whole sentences of `text` (plain, not escaped) that fits `max`
 * characters once formatted by `render`, marked with `…` when something was cut. Falls back
 * to whole words for a first sentence that does not fit. Returns null when not even one
 * word fits.
 */
export function fitSentences(text: string, max: number, render: (text: string) => string): string | null {
  if (render(text).length <= max) return render(text);
  const tryUnits = (units: string[]): string | null => {
    let best: string | null = null;
    let taken = '';
    for (const unit of units) {
      const candidate = render(`${(taken + unit).trimEnd()} …`);
      if (candidate.length > max) break;
      taken += unit;
      best = candidate;
    }
    return best;
  };
  return tryUnits(splitSentences(text)) ?? tryUnits(splitWords(text));
}

/** `[label](url)` whose url cannot end the link early: Markdown reads a `)` in it as the end. */
export function markdownLink(label: string, url: string): string {
  return `[${label}](${url.replace(/\(/g, '%28').replace(/\)/g, '%29')})`;
}
