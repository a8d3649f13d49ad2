/**
 * Plain text -> sections of paragraphs and list items.
 *
 * Two layouts are recognised, per group of lines between blank lines:
 *  - one paragraph per line (the seed document: no blank lines at all, long lines), used when
 *    the whole text has no blank line, or when a group has a line longer than
 *    `WRAPPED_LINE_MAX` (nobody hard-wraps that wide);
 *  - hard-wrapped paragraphs separated by blank lines: the lines of a group are one block.
 * In both, a line starting with a list marker starts a list-item block. A heading is a
 * one-line paragraph that looks like a title (see `looksLikeHeading`) and is followed by body
 * text (or by another heading that is).
 */
import type { Section } from '../types.js';
import { buildSections, type RawBlock, type RawItem } from './buildSections.js';
import { trimRange } from './splitSentences.js';

/** A heading has at most this many characters… */
export const HEADING_MAX_CHARS = 100;
/** …and at most this many words. */
export const HEADING_MAX_WORDS = 15;
/** A group of lines with a line longer than this is one paragraph per line, not hard-wrapped. */
export const WRAPPED_LINE_MAX = 150;

/** `- `, `* `, `• `, `1. `, `1) ` (and a few other bullets) at the start of a line. */
const LIST_MARKER = /^[ \t]*(?:[-*•‣◦▪–]|\d{1,3}[.)])[ \t]+(?=\S)/;
/** Ends like a sentence or a clause: not a heading. */
const FINAL_PUNCTUATION = /[.!?:;,…]["'”’)\]]*$/u;
const HAS_WORD = /[\p{L}\p{N}]/u;

interface Line {
  start: number;
  /** End of the line's content, before its line break. */
  end: number;
  text: string;
}

interface Unit {
  block: RawBlock;
  /** A one-line paragraph that looks like a heading. */
  candidate: boolean;
  title: string;
}

export function parseText(text: string): Section[] {
  const groups = splitGroups(splitLines(text));
  const hasBlankLines = groups.length > 1;
  const units: Unit[] = [];

  for (const group of groups) {
    const wrapped = hasBlankLines && group.every((l) => l.text.trim().length <= WRAPPED_LINE_MAX);
    let previous: Unit | undefined;
    /** The paragraph a run of list items follows; undefined once the run is broken. */
    let intro: RawBlock | undefined = units[units.length - 1]?.block;
    if (intro?.kind === 'list-item') intro = intro.introducedBy;

    for (const line of group) {
      if (!HAS_WORD.test(line.text)) continue; // rules like "-----" or "* * *"
      const marker = LIST_MARKER.exec(line.text);
      if (marker) {
        const block: RawBlock = { type: 'block', kind: 'list-item', start: line.start + marker[0].length, end: line.end };
        if (intro) block.introducedBy = intro;
        previous = { block, candidate: false, title: '' };
        units.push(previous);
      } else if (wrapped && previous) {
        // Continuation of the paragraph or list item above.
        previous.block.end = line.end;
        previous.candidate = false;
      } else {
        const block: RawBlock = { type: 'block', kind: 'paragraph', start: line.start, end: line.end };
        const title = line.text.trim();
        previous = { block, candidate: looksLikeHeading(title), title };
        units.push(previous);
        intro = block;
      }
    }
  }

  // A candidate is a heading when body text follows it, possibly after more headings.
  const isHeading = new Array<boolean>(units.length).fill(false);
  for (let i = units.length - 2; i >= 0; i--) {
    const next = units[i + 1]!;
    isHeading[i] = units[i]!.candidate && (!next.candidate || isHeading[i + 1]!);
  }

  const items: RawItem[] = units.map((unit, i) =>
    isHeading[i]
      ? { type: 'heading', level: 1, title: unit.title, start: unit.block.start, end: unit.block.end }
      : unit.block,
  );
  return buildSections(text, items);
}

/** A short line with a letter, no final punctuation, not a list item. */
export function looksLikeHeading(line: string): boolean {
  return (
    line.length > 0 &&
    line.length <= HEADING_MAX_CHARS &&
    line.split(/\s+/).length <= HEADING_MAX_WORDS &&
    /\p{L}/u.test(line) &&
    !FINAL_PUNCTUATION.test(line) &&
    !LIST_MARKER.test(line)
  );
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const breaks = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    lines.push(makeLine(text, start, m.index));
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push(makeLine(text, start, text.length));
  return lines;
}

function makeLine(text: string, start: number, end: number): Line {
  const range = trimRange(text, start, end) ?? [start, start];
  return { start: range[0], end: range[1], text: text.slice(range[0], range[1]) };
}

/** Runs of non-blank lines. */
function splitGroups(lines: Line[]): Line[][] {
  const groups: Line[][] = [];
  let group: Line[] = [];
  for (const line of lines) {
    if (line.text.length === 0) {
      if (group.length > 0) groups.push(group);
      group = [];
    } else {
      group.push(line);
    }
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
