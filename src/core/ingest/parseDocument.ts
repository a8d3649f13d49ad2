import type { ParsedDocument } from '../types.js';
import { parseMarkdown } from './parseMarkdown.js';
import { parseText } from './parseText.js';

import type { DocumentFormat, DocumentMeta } from './formats.js';
import type { LayoutBlock } from './layout.js';
import { buildSections, type RawItem } from './buildSections.js';

export { formatOf } from './formats.js';

export interface ParseDocumentOptions {
  /** Stable id: the path relative to the corpus folder, with '/' separators. */
  id: string;
  /** Absolute path of the file. */
  path: string;
  format: DocumentFormat;
  /** Sidecar metadata; wins over front matter. */
  meta?: DocumentMeta;
  /** Told when a hostile document was parsed with limits (see ingest/limitNesting). */
  onWarning?: (message: string) => void;
  /** PDF, HTML, DOCX: the layout `text` was extracted with, and the title the file states. */
  extracted?: { layout: LayoutBlock[]; title?: string };
}

const BOM = '\uFEFF';

/**
 * Parse a document's text. Title: `meta.title`, else front-matter `title`, else the first
 * `#` heading (Markdown), else one made from the file name. Source: `meta.source`, else
 * front-matter `source`. All offsets are into the returned `text` (BOM removed).
 */
export function parseDocument(text: string, options: ParseDocumentOptions): ParsedDocument {
  if (text.startsWith(BOM)) text = text.slice(BOM.length);
  const { id, path, format, meta } = options;

  let sections: ParsedDocument['sections'];
  let title = meta?.title?.trim() || undefined;
  let source = meta?.source?.trim() || undefined;
  if (format === 'markdown') {
    const markdown = parseMarkdown(text, options.onWarning ? { onWarning: options.onWarning } : {});
    sections = markdown.sections;
    title ??= markdown.frontMatter.title ?? markdown.firstTitle;
    source ??= markdown.frontMatter.source;
  } else if (options.extracted) {
    sections = sectionsFromLayout(text, options.extracted.layout);
    title ??= options.extracted.title ?? sections.find((s) => s.level > 0)?.title;
  } else {
    sections = parseText(text);
  }

  const document: ParsedDocument = { id, path, title: title ?? titleFromFileName(id || path), text, sections };
  if (source !== undefined) document.source = source;
  return document;
}

/** "reports/russia-recognizes_taliban.txt" -> "Russia recognizes taliban". */
export function titleFromFileName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const name = base.replace(/\.[^.]+$/, '').replace(/[-_.\s]+/g, ' ').trim() || base;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Extracted blocks (ranges the extractor wrote) -> numbered sections; a page stays with its block. */
export function sectionsFromLayout(text: string, layout: readonly LayoutBlock[]): ParsedDocument['sections'] {
  const items: RawItem[] = layout.map((b) =>
    b.kind === 'heading'
      ? { type: 'heading', level: b.level ?? 1, title: text.slice(b.start, b.end).replace(/\s+/g, ' ').trim(), start: b.start, end: b.end }
      : { type: 'block', kind: b.kind, start: b.start, end: b.end, ...(b.page !== undefined ? { page: b.page } : {}) },
  );
  return buildSections(text, items);
}
