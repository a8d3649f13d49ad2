/**
 * Shared last step of both parsers: a flat, document-ordered list of headings and blocks
 * (ranges into the text) becomes numbered sections of numbered blocks with sentences.
 */
import type { Block, BlockKind, Section, Sentence } from '../types.js';
import { boundSentence, MAX_CODE_SENTENCE_CHARS, MAX_SENTENCE_CHARS, splitSentences, trimRange, wholeAsSentence } from './splitSentences.js';

/** Title of the text before the first heading (section 0). */
export const LEAD_SECTION_TITLE = 'Introduction';

export interface RawHeading {
  type: 'heading';
  /** 1–6. */
  level: number;
  title: string;
  start: number;
  end: number;
}

export interface RawBlock {
  type: 'block';
  kind: BlockKind;
  start: number;
  end: number;
  /** The block that introduces this list item; it becomes `leadIn` when its text ends with ':'. */
  introducedBy?: RawBlock;
  /** Explicit sentence ranges (e.g. table rows); by default code is one sentence, other text is split. */
  sentenceRanges?: Array<[number, number]>;
  /** Inside a Markdown block quote: sentences starting a line drop its `>` markers. */
  quoted?: boolean;
  /** The page it starts on (PDF). */
  page?: number;
}

export type RawItem = RawHeading | RawBlock;

/**
 * Number sections (lead = 0 "Introduction", only when it has blocks; headings 1, 2, 3…), set
 * `parents` from heading levels, number blocks per section, attach sentences and lead-ins.
 * Blocks that are blank after trimming are dropped.
 */
export function buildSections(text: string, items: RawItem[]): Section[] {
  const sections: Section[] = [];
  const placed = new Map<RawBlock, { section: Section; block: Block }>();
  /** Enclosing headings, outermost first. */
  const stack: Array<{ level: number; title: string }> = [];
  let current: Section = { number: 0, title: LEAD_SECTION_TITLE, level: 0, parents: [], start: 0, end: 0, blocks: [] };
  let headings = 0;

  const close = (section: Section): void => {
    if (section.level === 0 && section.blocks.length === 0) return;
    const first = section.blocks[0];
    const last = section.blocks[section.blocks.length - 1];
    if (section.level === 0 && first) section.start = first.start;
    if (last) section.end = Math.max(section.end, last.end);
    sections.push(section);
  };

  for (const item of items) {
    if (item.type === 'heading') {
      close(current);
      while (stack.length > 0 && stack[stack.length - 1]!.level >= item.level) stack.pop();
      current = {
        number: ++headings,
        title: item.title,
        level: item.level,
        parents: stack.map((h) => h.title),
        start: item.start,
        end: item.end,
        blocks: [],
      };
      stack.push({ level: item.level, title: item.title });
      continue;
    }

    const range = trimRange(text, item.start, item.end);
    if (!range) continue;
    const [start, end] = range;
    const sentences = sentencesOf(text, item, start, end);
    if (sentences.length === 0) continue;
    const block: Block = {
      kind: item.kind,
      paragraph: current.blocks.length + 1,
      text: text.slice(start, end),
      start,
      end,
      sentences,
      ...(item.page !== undefined ? { page: item.page } : {}),
    };
    const intro = item.introducedBy ? placed.get(item.introducedBy) : undefined;
    if (intro && intro.section === current && endsWithColon(intro.block.text)) {
      block.leadIn = intro.block.paragraph;
    }
    current.blocks.push(block);
    placed.set(item, { section: current, block });
  }
  close(current);
  return sections;
}

/** A block's sentences, none longer than the bounds in splitSentences (a quote, a chunk and a quiz stay small). */
function sentencesOf(text: string, item: RawBlock, start: number, end: number): Sentence[] {
  if (item.sentenceRanges) {
    return item.sentenceRanges.flatMap(([s, e]) => wholeAsSentence(text.slice(s, e), s)).flatMap((s) => boundSentence(s, MAX_CODE_SENTENCE_CHARS, true));
  }
  const slice = text.slice(start, end);
  if (item.kind === 'code') return wholeAsSentence(slice, start).flatMap((s) => boundSentence(s, MAX_CODE_SENTENCE_CHARS, true));
  const sentences = splitSentences(slice, start);
  return (item.quoted ? sentences.flatMap((s) => dropQuoteMarkers(s)) : sentences).flatMap((s) => boundSentence(s));
}

/** "> It spans two lines." -> "It spans two lines." (a quoted paragraph's later lines). */
function dropQuoteMarkers(sentence: Sentence): Sentence[] {
  const marker = /^(?:>[ \t]*)+/.exec(sentence.text);
  if (!marker) return [sentence];
  const rest = sentence.text.slice(marker[0].length);
  return rest ? [{ text: rest, start: sentence.start + marker[0].length, end: sentence.end }] : [];
}

/** "Key factors include:" or "**Note:**" — a line that introduces what follows. */
export function endsWithColon(text: string): boolean {
  return /:[\s*_]*$/.test(text);
}
