/**
 * Markdown -> sections of blocks, via mdast-util-from-markdown (micromark: CommonMark-exact,
 * every node carries start/end offsets into the source string) with the YAML front-matter and
 * GFM-table extensions. Blocks are ranges of the source, so quotes keep the original text.
 *
 * - ATX and setext headings open sections; `parents` follow heading levels.
 * - Paragraphs (also inside block quotes) are 'paragraph' blocks; hard-wrapped lines stay one
 *   block, and sentences may span lines.
 * - Each list item is a 'list-item' block (its own text, without the marker and without its
 *   nested lists, which give their own blocks). A list is introduced by the block just before
 *   it, a nested list by its parent item (→ `leadIn` when that text ends with ':').
 * - Fenced and indented code is one 'code' block (the code between the fences), one sentence.
 * - A table is one 'paragraph' block whose sentences are its rows.
 * - An HTML `<table>` block is one 'paragraph' block whose sentences are its `<tr>` rows (raw
 *   HTML, tags included). Other HTML (comments, anchors), front matter, link definitions and
 *   rules are not content.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfmTable } from 'micromark-extension-gfm-table';
import type { Code, Nodes, Parent, RootContent, Table } from 'mdast';
import { parse as parseYaml } from 'yaml';
import type { Section } from '../types.js';
import { buildSections, type RawBlock, type RawItem } from './buildSections.js';
import { limitMarkdownNesting, MAX_MARKDOWN_NESTING } from './limitNesting.js';

export interface ParsedMarkdown {
  sections: Section[];
  /** `title` and `source` from YAML front matter, when present and strings. */
  frontMatter: { title?: string; source?: string };
  /** Title of the first level-1 heading, if any. */
  firstTitle?: string;
}

/** A raw HTML block holding a table (Node.js docs write keybinding tables this way). */
const HTML_TABLE = /^\s*<table\b/i;

/** Title for a heading with no text (`#` alone). */
export const UNTITLED_HEADING = 'Untitled section';

/**
 * Markdown longer than this (characters) is parsed in pieces of about this size, cut at
 * top-level headings. micromark copies the whole event list each time a list or block quote
 * closes, so one parse of a big document takes quadratic time (3.5 MB: minutes); pieces keep
 * it linear. Each piece is parsed with stand-in definitions appended for the link-reference
 * labels it mentions, so `[text][ref]` reads the same as in a whole parse.
 */
export const MARKDOWN_PIECE_CHARS = 64 * 1024;

export interface ParseMarkdownOptions {
  /** Size of the pieces a long document is parsed in (default `MARKDOWN_PIECE_CHARS`). */
  pieceChars?: number;
  /** Told when a hostile document was parsed with limits (deep nesting flattened, emphasis ignored). */
  onWarning?: (message: string) => void;
}

/**
 * Turns off micromark's emphasis construct. Resolving emphasis is quadratic in how deeply
 * delimiters nest (3,000 nested `*a` in 28 KB: 10 s), and it changes nothing that is quoted:
 * only heading titles read it, and `plainEmphasis` strips their markers instead.
 */
const NO_EMPHASIS = { disable: { null: ['attention'] } };

export function parseMarkdown(text: string, options: ParseMarkdownOptions = {}): ParsedMarkdown {
  const collector = new Collector(text);
  // The parser reads a copy of the same length with excess nesting escaped; offsets still point into `text`.
  const limited = limitMarkdownNesting(text);
  if (limited.flattenedLines > 0) {
    options.onWarning?.(`${limited.flattenedLines} line(s) nested deeper than ${MAX_MARKDOWN_NESTING} lists or block quotes were read as text of the deepest level`);
  }
  const source = limited.text;
  const starts = pieceStarts(source, options.pieceChars ?? MARKDOWN_PIECE_CHARS);
  const labels = starts.length > 1 ? referenceLabels(source) : [];
  starts.forEach((start, i) => {
    const end = starts[i + 1] ?? source.length;
    const piece = source.slice(start, end);
    const tree = fromMarkdown(piece + definitionsFor(piece, labels), {
      extensions: [frontmatter(['yaml']), gfmTable(), NO_EMPHASIS],
      mdastExtensions: [frontmatterFromMarkdown(['yaml']), gfmTableFromMarkdown()],
    });
    collector.base = start;
    collector.limit = end;
    // Nothing of the appended definitions is content (definitions are skipped).
    collector.children(tree.children, false);
  });

  const firstTitle = collector.items.find((i) => i.type === 'heading' && i.level === 1);
  const result: ParsedMarkdown = {
    sections: buildSections(text, collector.items),
    frontMatter: collector.frontMatter,
  };
  if (firstTitle?.type === 'heading') result.firstTitle = firstTitle.title;
  return result;
}

class Collector {
  readonly items: RawItem[] = [];
  frontMatter: ParsedMarkdown['frontMatter'] = {};
  /** Offset of the piece being read: node offsets are relative to it. */
  base = 0;
  /** End of the piece: an unclosed fence at the very end must not reach into the appended definitions. */
  limit = Number.POSITIVE_INFINITY;
  /** How many block quotes enclose the nodes being read. */
  private quoteDepth = 0;
  /** How many lists and block quotes enclose the nodes being read (bounded: see limitNesting). */
  private depth = 0;

  constructor(private readonly text: string) {}

  /**
   * Emit the blocks of a sequence of sibling nodes. Inside a list item, consecutive
   * paragraph-like children form the item's block; `intro` is the block introducing the list.
   * Returns the last block emitted.
   */
  children(nodes: RootContent[], inListItem: boolean, intro?: RawBlock): RawBlock | undefined {
    let previous: RawBlock | undefined;
    /** Whether this list item already has text (only its first text is introduced). */
    let itemHasText = false;
    /** The list item's text being gathered. */
    let group: RawBlock | undefined;
    const flush = (): void => {
      group = undefined;
    };

    for (const node of nodes) {
      const [start, end] = this.range(node);
      switch (node.type) {
        case 'yaml':
          this.readFrontMatter(node.value);
          break;
        case 'html':
          if (HTML_TABLE.test(node.value)) {
            flush();
            previous = this.htmlTable(start, end);
          }
          break;
        case 'definition':
        case 'thematicBreak':
          break;
        case 'heading': {
          flush();
          const title = plainText(node, plainEmphasis).replace(/\s+/g, ' ').trim() || UNTITLED_HEADING;
          this.items.push({ type: 'heading', level: node.depth, title, start, end });
          previous = undefined;
          break;
        }
        case 'code':
          flush();
          previous = this.block('code', ...codeRange(this.text, node, [start, end]));
          break;
        case 'table':
          flush();
          previous = this.table(node);
          break;
        case 'list':
        case 'blockquote':
          // A safety net behind limitNesting: nothing input-controlled may recurse without bound.
          if (this.depth >= 4 * MAX_MARKDOWN_NESTING) {
            flush();
            previous = this.block('paragraph', start, end);
            break;
          }
          this.depth++;
          previous = this.container(node, previous, flush);
          this.depth--;
          break;
        default: {
          // paragraph, and anything else with a position (leaf or not)
          // Nothing visible (e.g. a paragraph that is only `<a id="x"></a>`): not content.
          if (start === end || !/\S/.test(plainText(node))) break;
          if (!inListItem) {
            previous = this.block('paragraph', start, end);
          } else if (group) {
            group.end = end;
          } else {
            group = this.block('list-item', start, end);
            if (intro && !itemHasText) group.introducedBy = intro;
            itemHasText = true;
            previous = group;
          }
        }
      }
    }
    return previous;
  }

  /** A list or a block quote: its children's blocks; returns what the next sibling sees as `previous`. */
  private container(node: Extract<RootContent, { type: 'list' | 'blockquote' }>, previous: RawBlock | undefined, flush: () => void): RawBlock | undefined {
    flush();
    if (node.type === 'list') {
      // Introduced by the block just before: a paragraph, or the parent item's text.
      for (const item of node.children) this.children(item.children, true, previous);
      return undefined; // a list does not introduce the next one
    }
    this.quoteDepth++;
    const last = this.children(node.children, false, undefined) ?? previous;
    this.quoteDepth--;
    return last;
  }

  private block(kind: RawBlock['kind'], start: number, end: number): RawBlock {
    const block: RawBlock = { type: 'block', kind, start, end };
    if (this.quoteDepth > 0) block.quoted = true;
    this.items.push(block);
    return block;
  }

  private table(node: Table): RawBlock {
    const block = this.block('paragraph', ...this.range(node));
    block.sentenceRanges = node.children.map((row) => this.range(row));
    return block;
  }

  /** An HTML `<table>`: one block, one sentence per `<tr>` row (its cells, tags included). */
  private htmlTable(start: number, end: number): RawBlock {
    const block = this.block('paragraph', start, end);
    const source = this.text.slice(start, end);
    const rows = [...source.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr\s*>/gi)];
    block.sentenceRanges = rows.map((row) => {
      const inner = start + row.index + row[0].indexOf('>') + 1;
      return [inner, inner + row[1]!.length];
    });
    if (block.sentenceRanges.length === 0) delete block.sentenceRanges;
    return block;
  }

  private range(node: Nodes): [number, number] {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) return [0, 0];
    return [Math.min(this.base + start, this.limit), Math.min(this.base + end, this.limit)];
  }

  private readFrontMatter(yaml: string): void {
    let data: unknown;
    try {
      data = parseYaml(yaml);
    } catch {
      return; // malformed front matter: no metadata, the rest still parses
    }
    if (typeof data !== 'object' || data === null) return;
    const { title, source } = data as Record<string, unknown>;
    if (typeof title === 'string' && title.trim()) this.frontMatter.title = title.trim();
    if (typeof source === 'string' && source.trim()) this.frontMatter.source = source.trim();
  }
}

/** A fenced block's code between its fence lines; an indented block as it is. */
function codeRange(text: string, node: Code, [start, end]: [number, number]): [number, number] {
  const source = text.slice(start, end);
  if (!/^(`{3,}|~{3,})/.test(source)) return [start, end];
  const firstBreak = source.search(/\r\n|\r|\n/);
  if (firstBreak < 0) return [end, end]; // a fence line alone: no code
  const bodyStart = start + firstBreak + (source.startsWith('\r\n', firstBreak) ? 2 : 1);
  const lastBreak = Math.max(source.lastIndexOf('\n'), source.lastIndexOf('\r'));
  const lastLine = source.slice(lastBreak + 1);
  const closed = lastBreak >= firstBreak && /^[ \t]*(`{3,}|~{3,})[ \t]*$/.test(lastLine);
  return [bodyStart, closed ? Math.max(bodyStart, start + lastBreak) : end];
}

/**
 * The visible text of inline content ("Class: `EventEmitter`" -> "Class: EventEmitter"), its
 * text (not code) read through `readText`.
 * Walks with its own stack, not recursion: inline nesting is as deep as the input makes it.
 */
function plainText(root: Nodes, readText: (text: string) => string = (t) => t): string {
  const parts: string[] = [];
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'text') parts.push(readText(node.value));
    else if ('value' in node && typeof node.value === 'string' && node.type !== 'html') parts.push(node.value);
    else if (node.type === 'image' || node.type === 'imageReference') parts.push(node.alt ?? '');
    else if ('children' in node) for (let i = (node as Parent).children.length - 1; i >= 0; i--) stack.push((node as Parent).children[i] as Nodes);
    else if (node.type === 'break') parts.push(' ');
  }
  return parts.join('');
}

/**
 * A heading's text without emphasis markers ("A *real* title" -> "A real title"), as emphasis
 * would read: a run of `*` anywhere, or of `_` not inside a word, around non-space text.
 */
export function plainEmphasis(text: string): string {
  let previous;
  do {
    previous = text;
    text = text.replace(/(\*{1,3})(?=\S)([^*]*?\S)\1/g, '$2').replace(/(^|[^\p{L}\p{N}_])(_{1,3})(?=\S)([^_]*?\S)\2(?![\p{L}\p{N}_])/gu, '$1$3');
  } while (text !== previous);
  return text;
}

/**
 * Where to cut `text` into pieces of at least `size` characters: at an ATX heading line at
 * column 0 that follows a blank line, outside front matter, fenced code and multi-line HTML
 * (comments, <pre>, <script>…). Such a line closes every open block, so each piece parses
 * exactly as it would inside the whole.
 */
export function pieceStarts(text: string, size: number): number[] {
  const starts = [0];
  if (text.length <= size) return starts;
  const lineBreak = /\r\n|\r|\n/g;
  let lineStart = 0;
  let previousBlank = false;
  let fence: { char: string; length: number } | undefined;
  let htmlEnd: RegExp | undefined;
  let frontMatter = /^---[ \t]*(\r\n|\r|\n)/.test(text);
  let first = true;
  while (lineStart < text.length) {
    const m = lineBreak.exec(text);
    const lineEnd = m ? m.index : text.length;
    const line = text.slice(lineStart, lineEnd);
    const blank = line.trim() === '';
    if (frontMatter) {
      if (!first && /^(---|\.\.\.)[ \t]*$/.test(line)) frontMatter = false;
    } else if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = undefined;
    } else if (htmlEnd) {
      if (htmlEnd.test(line)) htmlEnd = undefined;
    } else if (previousBlank && /^#{1,6}(?:[ \t]|$)/.test(line) && lineStart - starts[starts.length - 1]! >= size) {
      starts.push(lineStart);
    } else {
      const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (open) {
        fence = { char: open[1]![0]!, length: open[1]!.length };
      } else {
        htmlEnd = htmlBlockEnd(line);
      }
    }
    first = false;
    previousBlank = blank;
    if (!m) break;
    lineStart = m.index + m[0].length;
  }
  return starts;
}

/** For a line opening a multi-line HTML block (CommonMark kinds 1–5), what closes it. */
function htmlBlockEnd(line: string): RegExp | undefined {
  const kinds: Array<[RegExp, RegExp]> = [
    [/^ {0,3}<(script|pre|style|textarea)(\s|>|$)/i, /<\/(script|pre|style|textarea)>/i],
    [/^ {0,3}<!--/, /-->/],
    [/^ {0,3}<\?/, /\?>/],
    [/^ {0,3}<![A-Za-z]/, />/],
    [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
  ];
  for (const [open, close] of kinds) {
    const start = open.exec(line);
    if (start) return close.test(line.slice(start[0].length)) ? undefined : close;
  }
  return undefined;
}

/** The labels of the document's link-reference definitions: `[label]`. */
function referenceLabels(text: string): string[] {
  return (text.match(/^ {0,3}\[(?:[^\]\\\r\n]|\\.)+\]:/gm) ?? []).map((d) => d.trim().slice(0, -1));
}

/** Minimal definitions (`[label]: #`) for the labels a piece mentions, to append to it. */
function definitionsFor(piece: string, labels: string[]): string {
  if (labels.length === 0) return '';
  const mentioned = new Set((piece.match(/\[(?:[^\]\\\r\n]|\\.)+\]/g) ?? []).map((m) => m.toLowerCase()));
  const used = labels.filter((label) => mentioned.has(label.toLowerCase()));
  return used.length === 0 ? '' : '\n\n' + used.map((label) => `${label}: #`).join('\n') + '\n';
}
