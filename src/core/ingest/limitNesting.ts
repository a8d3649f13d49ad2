/**
 * Bounds what a hostile Markdown file can make the parser do, before it parses. Thousands of
 * nested list or block-quote markers (6 KB of `- - - …` or `>>>…`) overflow the stack of
 * anything that walks the tree, and a "staircase" of ever deeper lines makes micromark
 * quadratic (2.3 MB: minutes, gigabytes).
 *
 * The parser reads a copy of the text of the same length, in which container markers past
 * `MAX_MARKDOWN_NESTING` levels are escaped (so those lines read as text of the deepest
 * allowed level: flattened, not lost). Offsets are unchanged, so blocks and quotes are still
 * ranges of the original text, which is what is quoted.
 */

/** Deepest nesting of lists and block quotes parsed as such (counting two columns of indentation as a level). */
export const MAX_MARKDOWN_NESTING = 32;

export interface LimitedMarkdown {
  /** Same length as the input: what the parser reads. */
  text: string;
  /** Lines whose container markers past the limit were escaped. */
  flattenedLines: number;
}

const SPACE = 0x20;
const TAB = 0x09;
const BACKSLASH = '\\';

/** Escapes list and block-quote markers nested deeper than `limit` (see the module comment). */
export function limitMarkdownNesting(text: string, limit = MAX_MARKDOWN_NESTING): LimitedMarkdown {
  let out: string[] | undefined;
  let flattenedLines = 0;
  let last = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const at = deepMarker(text, lineStart, lineEnd, limit);
    if (at >= 0) {
      out ??= [];
      out.push(text.slice(last, at), BACKSLASH);
      last = at + 1;
      flattenedLines++;
    }
    lineStart = lineEnd + 1;
  }
  if (!out) return { text, flattenedLines: 0 };
  out.push(text.slice(last));
  return { text: out.join(''), flattenedLines };
}

/**
 * The offset of the character to escape in the first container marker of the line that lies
 * deeper than `limit`, or -1. Markers: `>`, `-`/`*`/`+` followed by a space, a tab or the end
 * of the line, and `1.`/`1)`; each counts a level, and so do every two columns of indentation.
 */
function deepMarker(text: string, start: number, end: number, limit: number): number {
  let markers = 0;
  let columns = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === SPACE) {
      columns++;
      i++;
      continue;
    }
    if (c === TAB) {
      columns += 4 - (columns % 4);
      i++;
      continue;
    }
    let markerEnd = -1;
    let escapeAt = i;
    const ch = text[i]!;
    if (ch === '>') {
      markerEnd = i + 1;
    } else if (ch === '-' || ch === '*' || ch === '+') {
      markerEnd = i + 1;
    } else if (c >= 0x30 && c <= 0x39) {
      let j = i;
      while (j < end && j - i < 9 && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
      if (text[j] === '.' || text[j] === ')') {
        markerEnd = j + 1;
        escapeAt = j; // "12." -> "1\." : the delimiter escaped, the digits become text
      }
    }
    if (markerEnd < 0) return -1;
    // A list marker must be followed by whitespace or the end of the line (`-word` is text).
    if (ch !== '>') {
      const next = text.charCodeAt(markerEnd);
      if (markerEnd < end && next !== SPACE && next !== TAB && next !== 0x0d) return -1;
    }
    markers++;
    if (markers + Math.floor(columns / 2) > limit) return escapeAt;
    i = markerEnd;
  }
  return -1;
}
