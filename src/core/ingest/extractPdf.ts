/**
 * PDF -> text with pages and headings, with Mozilla's pdf.js (the legacy build, the one made
 * for Node; no canvas is needed to read text). Lines are rebuilt from the positioned text
 * items, paragraphs from the vertical gaps between lines, and headings from the document
 * outline (bookmarks) when it names lines of the text, else from font sizes larger than the
 * body text's. A paragraph never spans pages, so every quote has one page to cite.
 */
import { ExtractError, LayoutWriter, type Extracted } from './layout.js';

/** A line taller than the body text by this factor may be a heading. */
const HEADING_SIZE_RATIO = 1.15;
/** A gap between two lines larger than this many times the page's usual line gap starts a new paragraph. */
const PARAGRAPH_GAP_RATIO = 1.3;
/** Headings found by font size are short. */
const HEADING_MAX_CHARS = 120;

interface TextItem {
  str: string;
  hasEOL: boolean;
  transform: number[];
  width: number;
  height: number;
}

interface Line {
  text: string;
  /** Baseline (PDF units, grows upwards). */
  y: number;
  size: number;
}

interface OutlineNode {
  title: string;
  dest: string | unknown[] | null;
  items: OutlineNode[];
}

export async function extractPdf(bytes: Uint8Array): Promise<Extracted> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let pdf;
  try {
    // A copy: pdf.js transfers the buffer it is given.
    pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false, verbosity: 0, stopAtErrors: false }).promise;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'PasswordException') throw new ExtractError('the PDF is password-protected; upload a copy without a password');
    throw new ExtractError(`not a readable PDF (${(error as Error).message})`);
  }
  try {
    const pages: Line[][] = [];
    for (let p = 1; p <= pdf.numPages; p++) {
      const page = await pdf.getPage(p);
      const content = await page.getTextContent();
      pages.push(linesOf(content.items.filter((i) => 'str' in i) as TextItem[]));
      page.cleanup();
    }
    if (!pages.some((lines) => lines.some((l) => /[\p{L}\p{N}]/u.test(l.text)))) {
      throw new ExtractError(`the PDF has no text layer (${pdf.numPages === 1 ? 'its page is' : `its ${pdf.numPages} pages are`} images, as in a scan): run it through OCR first (for example ocrmypdf) and upload the result`);
    }
    const outline = await outlineHeadings(pdf);
    const info = (await pdf.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    const title = typeof info?.Title === 'string' && info.Title.trim() ? info.Title.trim() : undefined;
    return writeLayout(pages, outline, title);
  } finally {
    await pdf.destroy();
  }
}

/** Positioned items -> lines, top to bottom as pdf.js gives them (content order). */
function linesOf(items: TextItem[]): Line[] {
  const lines: Line[] = [];
  let current: (Line & { endX: number }) | undefined;
  let broken = true;
  for (const item of items) {
    const size = Math.abs(item.transform[3] ?? item.height) || item.height;
    const x = item.transform[4] ?? 0;
    const y = item.transform[5] ?? 0;
    if (item.str.length > 0) {
      if (current && !broken && Math.abs(current.y - y) < Math.max(current.size, size) * 0.5) {
        // Same line: pdf.js gives the spaces it finds; a visible gap without one is a space too.
        const gap = x - current.endX;
        if (gap > size * 0.2 && !/\s$/.test(current.text) && !/^\s/.test(item.str)) current.text += ' ';
        current.text += item.str;
        current.size = Math.max(current.size, size);
      } else {
        current = { text: item.str, y, size, endX: x };
        lines.push(current);
      }
      current.endX = x + item.width;
    }
    broken = item.hasEOL;
  }
  return lines.map(({ text, y, size }) => ({ text: text.replace(/\s+/g, ' ').trim(), y, size })).filter((l) => l.text.length > 0);
}

interface OutlineHeading {
  title: string;
  level: number;
  /** 1-based, when the outline entry points at a page. */
  page?: number;
}

async function outlineHeadings(pdf: { getOutline(): Promise<unknown>; getDestination(id: string): Promise<unknown[] | null>; getPageIndex(ref: unknown): Promise<number> }): Promise<OutlineHeading[]> {
  const outline = ((await pdf.getOutline().catch(() => null)) ?? []) as OutlineNode[];
  const headings: OutlineHeading[] = [];
  const visit = async (nodes: OutlineNode[], level: number) => {
    for (const node of nodes) {
      let page: number | undefined;
      try {
        const dest = typeof node.dest === 'string' ? await pdf.getDestination(node.dest) : node.dest;
        if (Array.isArray(dest) && dest[0] && typeof dest[0] === 'object') page = (await pdf.getPageIndex(dest[0])) + 1;
        else if (Array.isArray(dest) && typeof dest[0] === 'number') page = dest[0] + 1;
      } catch {
        // An entry pointing nowhere still names a heading; it is matched on any page.
      }
      headings.push({ title: node.title, level: Math.min(level, 6), ...(page ? { page } : {}) });
      await visit(node.items ?? [], level + 1);
    }
  };
  await visit(outline, 1);
  return headings;
}

const normalise = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

function writeLayout(pages: Line[][], outline: OutlineHeading[], title: string | undefined): Extracted {
  const bodySize = mostCommonSize(pages.flat());
  // Paragraphs: runs of lines of one size, split at unusually large gaps.
  const paragraphs: Array<{ lines: Line[]; page: number }> = [];
  pages.forEach((lines, index) => {
    // Gaps between lines of one size only: the space around a heading says nothing of line spacing.
    const gaps: number[] = [];
    for (let i = 1; i < lines.length; i++) {
      const [above, line] = [lines[i - 1]!, lines[i]!];
      if (Math.abs(above.size - line.size) <= 0.5 && above.y > line.y) gaps.push(above.y - line.y);
    }
    // The usual line gap: a low quantile, since paragraph and heading gaps are the larger ones.
    // With one gap or none there is nothing to compare, so the body text's size stands in.
    const usual = gaps.length >= 2 ? quantile(gaps, 0.25) : bodySize * 1.25;
    let current: Line[] = [];
    lines.forEach((line, i) => {
      const previous = lines[i - 1];
      const gap = previous ? previous.y - line.y : 0;
      const newParagraph = !previous || gap <= 0 || gap > usual * PARAGRAPH_GAP_RATIO || Math.abs(previous.size - line.size) > 0.5;
      if (newParagraph && current.length > 0) {
        paragraphs.push({ lines: current, page: index + 1 });
        current = [];
      }
      current.push(line);
    });
    if (current.length > 0) paragraphs.push({ lines: current, page: index + 1 });
  });

  const headingLevel = outline.length > 0 ? outlineMatcher(outline, paragraphs) : undefined;
  const bySize = fontSizeLevels(paragraphs, bodySize);
  const writer = new LayoutWriter();
  for (const paragraph of paragraphs) {
    const text = paragraph.lines.map((l) => l.text).join('\n');
    const level = headingLevel ? headingLevel(paragraph.page, text) : bySize(paragraph.lines, text);
    if (level !== undefined) writer.addRaw('heading', paragraph.lines.map((l) => l.text).join(' '), { level, page: paragraph.page });
    else writer.addRaw(listMarker.test(text) ? 'list-item' : 'paragraph', text, { page: paragraph.page });
  }
  return writer.result(title);
}

const listMarker = /^(?:[•‣◦▪–-]|\d{1,3}[.)])\s/;

/**
 * When the outline names lines of the text, those lines are the headings (at the outline's
 * depth); an outline that matches nothing (titles rewritten by the author) is ignored.
 */
function outlineMatcher(outline: OutlineHeading[], paragraphs: Array<{ lines: Line[]; page: number }>): ((page: number, text: string) => number | undefined) | undefined {
  const wanted = outline.map((h) => ({ ...h, key: normalise(h.title) })).filter((h) => h.key.length > 0);
  const matches = (h: (typeof wanted)[number], page: number, text: string) => (h.page === undefined || h.page === page) && normalise(text) === h.key;
  if (!paragraphs.some((p) => wanted.some((h) => matches(h, p.page, p.lines.map((l) => l.text).join(' '))))) return undefined;
  const used = new Set<number>();
  return (page, text) => {
    const joined = text.replace(/\n/g, ' ');
    const index = wanted.findIndex((h, i) => !used.has(i) && matches(h, page, joined));
    if (index < 0) return undefined;
    used.add(index);
    return wanted[index]!.level;
  };
}

/** Headings by font size: short paragraphs in a size larger than the body's, the largest size being level 1. */
function fontSizeLevels(paragraphs: Array<{ lines: Line[] }>, bodySize: number): (lines: Line[], text: string) => number | undefined {
  const isHeading = (lines: Line[], text: string) => lines.length <= 3 && text.length <= HEADING_MAX_CHARS && lines[0]!.size >= bodySize * HEADING_SIZE_RATIO && !/[.!?:;,]$/.test(text.trim());
  const sizes = [...new Set(paragraphs.filter((p) => isHeading(p.lines, p.lines.map((l) => l.text).join(' '))).map((p) => Math.round(p.lines[0]!.size)))].sort((a, b) => b - a);
  return (lines, text) => (isHeading(lines, text.replace(/\n/g, ' ')) ? Math.min(sizes.indexOf(Math.round(lines[0]!.size)) + 1, 6) : undefined);
}

/** The font size most of the characters are set in: the body text's. */
function mostCommonSize(lines: Line[]): number {
  const chars = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.size * 2) / 2;
    chars.set(size, (chars.get(size) ?? 0) + line.text.length);
  }
  let best = 0;
  let most = -1;
  for (const [size, count] of chars) if (count > most) [best, most] = [size, count];
  return best || 10;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) * q)]!;
}
