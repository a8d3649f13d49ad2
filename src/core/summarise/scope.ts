/**
 * Which sentences a summary or a quiz draws from: the whole corpus, one document or one
 * section, and within it only the sentences that read well quoted on their own.
 */
import { endsWithColon } from '../ingest/buildSections.js';
import type { SearchState } from '../retrieve/searchState.js';
import { VerbatimError } from '../errors.js';
import { foldWhitespace } from '../answer/makePassage.js';
import { words } from '../text/terms.js';

/** Fewer words than this is a fragment ("Returns: {string}"), not a sentence worth quoting. */
export const MIN_QUOTABLE_WORDS = 6;
/** Share of a sentence's characters that may be HTML tags (tables written as HTML are not prose). */
const MAX_MARKUP_SHARE = 0.3;
/** An HTML tag (raw HTML tables in Markdown): counted as markup, never quoted as words. */
export const HTML_TAG = /<\/?[a-z][^>]*>/gi;

export interface ScopeSection {
  /** Index into the corpus's documents. */
  doc: number;
  section: number;
  /** The section's quotable sentences, as indexes into the sentence table, in document order. */
  sentences: number[];
  /** Characters of those sentences: what "in proportion to its length" measures. */
  length: number;
}

export interface ScopeOptions {
  documentId?: string;
  section?: number;
}

/**
 * Per index: each sentence's folded length when it can be quoted alone, else 0. Never code,
 * never a pointer ("See …"), never the lead-in of a list (it ends with ':' and says nothing
 * without its items), never a short fragment or an HTML table row. Worked out once: it
 * changes only with the index.
 */
const quotable = new WeakMap<SearchState, Uint32Array>();

function quotableLengths(state: SearchState): Uint32Array {
  let lengths = quotable.get(state);
  if (lengths) return lengths;
  lengths = new Uint32Array(state.sentences.length);
  state.sentences.forEach((s, id) => {
    const role = state.sentenceRole(id);
    if (role === 'code' || role === 'pointer') return;
    const text = foldWhitespace(s.text);
    if (endsWithColon(text) || words(text).length < MIN_QUOTABLE_WORDS) return;
    const markup = (text.match(HTML_TAG) ?? []).join('').length;
    if (markup <= MAX_MARKUP_SHARE * text.length) lengths![id] = text.length;
  });
  quotable.set(state, lengths);
  return lengths;
}

/** The document a request is about: the one named, else every document (or the only one). */
export function resolveDocuments(state: SearchState, options: ScopeOptions): number[] {
  if (options.documentId !== undefined) {
    const doc = state.documents.findIndex((d) => d.id === options.documentId);
    if (doc < 0) throw new VerbatimError('UNKNOWN_DOCUMENT', `There is no document "${options.documentId}". Documents: ${state.documents.map((d) => d.id).join(', ')}.`);
    return [doc];
  }
  if (options.section !== undefined && state.documents.length > 1) {
    throw new VerbatimError('UNKNOWN_DOCUMENT', `Section ${options.section} of which document? Documents: ${state.documents.map((d) => d.id).join(', ')}.`);
  }
  return state.documents.map((_, i) => i);
}

/**
 * The sections in scope with their quotable sentences, in document order. A section with
 * nothing quotable is still listed (with no sentences) so callers can tell "empty" from "unknown".
 */
export function resolveScope(state: SearchState, options: ScopeOptions): ScopeSection[] {
  const docs = resolveDocuments(state, options);
  if (options.section !== undefined) {
    const document = state.documents[docs[0]!]!;
    if (!document.sections.some((s) => s.number === options.section)) {
      throw new VerbatimError('UNKNOWN_SECTION', `"${document.title}" has no section ${options.section} (sections ${document.sections.map((s) => s.number).join(', ')}).`);
    }
  }
  const wanted = new Set(docs);
  const byKey = new Map<string, ScopeSection>();
  const out: ScopeSection[] = [];
  for (const doc of docs) {
    for (const s of state.documents[doc]!.sections) {
      if (options.section !== undefined && s.number !== options.section) continue;
      const entry: ScopeSection = { doc, section: s.number, sentences: [], length: 0 };
      byKey.set(`${doc}:${s.number}`, entry);
      out.push(entry);
    }
  }
  const lengths = quotableLengths(state);
  state.sentences.forEach((s, id) => {
    if (!wanted.has(s.doc) || lengths[id] === 0) return;
    const entry = byKey.get(`${s.doc}:${s.section}`);
    if (!entry) return;
    entry.sentences.push(id);
    entry.length += lengths[id]!;
  });
  return out;
}
