/**
 * Text extracted from a PDF, a web page or a Word file, with the layout it came with. The
 * extractors write the text themselves, one block after another, so every block's range is
 * known exactly and quotes stay exact substrings of `text`.
 */
import type { BlockKind } from '../types.js';

export interface LayoutBlock {
  kind: 'heading' | BlockKind;
  /** Range of the block in `Extracted.text`. */
  start: number;
  end: number;
  /** Headings: 1 (outermost) to 6. */
  level?: number;
  /** 1-based page the block starts on (PDF). */
  page?: number;
}

export interface Extracted {
  text: string;
  layout: LayoutBlock[];
  /** A title the file itself states (PDF metadata, the page's <title>). */
  title?: string;
}

/** Why a file's text cannot be extracted, in words for the person who uploaded it. */
export class ExtractError extends Error {
  override name = 'ExtractError';
}

/** Appends blocks to a text, separated by blank lines, recording each block's range. */
export class LayoutWriter {
  private text = '';
  private readonly layout: LayoutBlock[] = [];

  /** Adds a block (skipped when blank); whitespace runs inside it are folded to one space. */
  add(kind: LayoutBlock['kind'], content: string, extra: { level?: number; page?: number } = {}): void {
    const folded = content.replace(/[ \t\u00a0\r\n\f\v]+/g, ' ').trim();
    if (!/[\p{L}\p{N}]/u.test(folded)) return;
    this.addRaw(kind, folded, extra);
  }

  /** Adds a block as it is (code keeps its line breaks; a PDF paragraph keeps its lines). */
  addRaw(kind: LayoutBlock['kind'], content: string, extra: { level?: number; page?: number } = {}): void {
    if (content.trim().length === 0) return;
    if (this.text.length > 0) this.text += '\n\n';
    const start = this.text.length;
    this.text += content;
    this.layout.push({ kind, start, end: this.text.length, ...(extra.level !== undefined ? { level: extra.level } : {}), ...(extra.page !== undefined ? { page: extra.page } : {}) });
  }

  get length(): number {
    return this.text.length;
  }

  result(title?: string): Extracted {
    return { text: this.text, layout: this.layout, ...(title ? { title } : {}) };
  }
}
