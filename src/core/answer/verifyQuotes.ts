/**
 * The last gate before a quote leaves the engine: a passage is shown only if its quote is
 * exactly the source text between its offsets (whitespace folded as documented). The source
 * is the corpus file as read from disk, not the index's copy of it, so a damaged index or a
 * bug anywhere upstream can drop a quote but never misquote.
 */
import type { Logger, Passage } from '../types.js';
import { foldWhitespace } from './makePassage.js';

/** Document id -> the document's text as read from its file (byte-order mark removed). */
export type SourceTexts = ReadonlyMap<string, string>;

function matches(source: string | undefined, quote: string, start: number, end: number): boolean {
  return source !== undefined && Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= source.length && quote === foldWhitespace(source.slice(start, end));
}

/** Whether `passage` (and its lead-in, if any) quotes its source exactly. */
export function quotesExactly(passage: Passage, sources: SourceTexts): boolean {
  const source = sources.get(passage.documentId);
  if (!matches(source, passage.quote, passage.start, passage.end)) return false;
  const lead = passage.leadIn;
  return !lead || matches(source, lead.quote, lead.start, lead.end);
}

/** The passages that quote their source exactly; each one that does not is logged as an index fault and dropped. */
export function keepExactQuotes(passages: Passage[], sources: SourceTexts, logger: Logger, context: string): Passage[] {
  return passages.filter((passage) => {
    if (quotesExactly(passage, sources)) return true;
    logger.error({ code: 'INDEX_FAULT', context, documentId: passage.documentId, start: passage.start, end: passage.end }, 'a quote did not match its source text and was not shown');
    return false;
  });
}
