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
 * text (or by another heading that is). Two conventions of hard-wrapped text (RFCs, READMEs,
 * manuals, essays) are headings whatever their punctuation or marker:
 *  - a line underlined with `===` or `---` (setext style; "What is Debian?" then "=====");
 *  - a numbered line alone between blank lines ("3. Procedure", "2.1. General rules",
 *    "A.4. Voting"), nested by the depth of its number, when body text follows it.
 * A short line directly above a list in the same group ("An individual Developer may") is
 * the list's lead-in, not a heading.
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
/** A setext underline: a run of one of `=`, `-`, `~` (three or more), nothing else. */
const UNDERLINE = /^[ \t]*(=+|-+|~+)[ \t]*$/;
/** A section number before a title: "3.", "2.1.", "A.4.", "IV." (the number gives the depth). */
const SECTION_NUMBER = /^[ \t]*((?:\d{1,3}|[A-Z]|[IVX]{1,5})(?:\.\d{1,3})*)\.?[ \t]+(?=\p{L})/u;
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
  /** Heading depth when the layout says so (underline, section number); 1 otherwise. */
  level?: number;
  /** A heading by layout (underlined): no need for body text to follow. */
  certain?: boolean;
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

    for (const [i, line] of group.entries()) {
      if (!HAS_WORD.test(line.text)) continue; // rules like "-----" or "* * *", and underlines
      const underline = UNDERLINE.exec(group[i + 1]?.text ?? '');
      if (underline && (i === 0 || !wrapped) && underline[1]!.length >= 3 && underline[1]!.length >= line.text.trim().length / 2) {
        const title = line.text.trim();
        previous = undefined;
        units.push({ block: { type: 'block', kind: 'paragraph', start: line.start, end: line.end }, candidate: true, title, level: underline[1]![0] === '=' ? 1 : 2, certain: true });
        continue;
      }
      const numbered = group.length === 1 && hasBlankLines ? SECTION_NUMBER.exec(line.text) : null;
      if (numbered && looksLikeHeading(line.text.slice(numbered[0].length).trim())) {
        const title = line.text.trim();
        previous = { block: { type: 'block', kind: 'paragraph', start: line.start, end: line.end }, candidate: true, title, level: Math.min(6, numbered[1]!.split('.').length) };
        units.push(previous);
        continue;
      }
      const marker = LIST_MARKER.exec(line.text);
      if (marker) {
        // The short line right above a list introduces it: it is no heading.
        if (wrapped && previous?.candidate) previous.candidate = false;
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
    isHeading[i] = units[i]!.certain === true || (units[i]!.candidate && (!next.candidate || isHeading[i + 1]!));
  }
  if (units.length > 0) isHeading[units.length - 1] = units[units.length - 1]!.certain === true;

  const items: RawItem[] = units.map((unit, i) =>
    isHeading[i]
      ? { type: 'heading', level: unit.level ?? 1, title: unit.title, start: unit.block.start, end: unit.block.end }
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
