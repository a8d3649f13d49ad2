import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../../src/core/ingest/parseDocument.js';
import { looksLikeHeading, parseText } from '../../../src/core/ingest/parseText.js';
import { offsetProblems } from './checkOffsets.js';

const seedText = readFileSync(new URL('../../../corpus/russia-recognizes-taliban.txt', import.meta.url), 'utf8');
const wrappedText = readFileSync(new URL('../../fixtures/ingest/wrapped.txt', import.meta.url), 'utf8');

const asDocument = (text: string, id: string) => parseDocument(text, { id, path: `/x/${id}`, format: 'text' });

describe('parseText on the seed document', () => {
  const doc = asDocument(seedText, 'russia-recognizes-taliban.txt');

  it('finds exactly the lead and the four headings', () => {
    expect(doc.sections.map((s) => [s.number, s.level, s.title, s.parents])).toEqual([
      [0, 0, 'Introduction', []],
      [1, 1, 'Russia’s Strategic Calculations Behind Recognition of Taliban Government', []],
      [2, 1, 'Impact of Diplomatic Recognition on Afghanistan’s International Relations', []],
      [3, 1, 'Human Rights Concerns Amidst Russia’s Diplomatic Move', []],
      [4, 1, 'Recommendations for Global Stakeholders Engaging with Taliban-Led Afghanistan', []],
    ]);
  });

  it('numbers paragraphs and list items per section', () => {
    // p = paragraph, l = list item
    expect(doc.sections.map((s) => s.blocks.map((b) => b.kind[0]).join(''))).toEqual([
      'p',
      'pplll',
      'ppllllp',
      'pplllp',
      'pplllp',
    ]);
    expect(doc.sections.map((s) => s.blocks.length)).toEqual([1, 5, 7, 6, 6]);
  });

  it('records the lead-in of every list item', () => {
    const leadIns = doc.sections.map((s) => s.blocks.filter((b) => b.kind === 'list-item').map((b) => b.leadIn));
    expect(leadIns).toEqual([[], [2, 2, 2], [2, 2, 2, 2], [2, 2, 2], [2, 2, 2]]);
    expect(doc.sections[1]!.blocks[1]!.text).toBe('Key factors influencing this recognition include:');
    // The list item's text starts after its "- " marker.
    expect(doc.sections[1]!.blocks[2]!.text).toMatch(/^Security Concerns: Preventing/);
    expect(doc.sections[2]!.blocks[6]!.leadIn).toBeUndefined();
  });

  it('keeps the closing paragraph in section 4 and splits its sentences', () => {
    const last = doc.sections[4]!.blocks.at(-1)!;
    expect(last.kind).toBe('paragraph');
    expect(last.text).toMatch(/^As Russia steps forward as the first country/);
    expect(last.sentences.map((s) => s.text.slice(0, 20))).toEqual([
      'As Russia steps forw',
      'This move signals a ',
      'While some nations r',
      'The coming weeks wil',
    ]);
    expect(doc.sections[0]!.blocks[0]!.sentences).toHaveLength(3);
  });

  it('has exact offsets everywhere', () => {
    expect(offsetProblems(doc)).toEqual([]);
  });
});

describe('parseText on hard-wrapped text', () => {
  const doc = asDocument(wrappedText, 'wrapped.txt');

  it('joins the lines of a paragraph into one block', () => {
    expect(doc.sections.map((s) => s.title)).toEqual(['Notes on Wrapping', 'What to check']);
    const [first, second] = doc.sections[0]!.blocks;
    expect(first!.text).toBe(
      'This file is hard-wrapped at a narrow width, the way old\nplain-text documents often are. Lines of one paragraph belong\ntogether. A sentence can end mid-line.',
    );
    expect(first!.sentences.map((s) => s.text)).toEqual([
      'This file is hard-wrapped at a narrow width, the way old\nplain-text documents often are.',
      'Lines of one paragraph belong\ntogether.',
      'A sentence can end mid-line.',
    ]);
    expect(second!.text).toBe('Second paragraph, also wrapped\nover two lines.');
  });

  it('finds list items, numbered ones included, with their lead-in', () => {
    expect(doc.sections[1]!.blocks.map((b) => [b.kind, b.text, b.leadIn])).toEqual([
      ['paragraph', 'Three things matter:', undefined],
      ['list-item', 'offsets stay exact,', 1],
      ['list-item', 'lines join into one block,', 1],
      ['list-item', 'numbered items work too.', 1],
      ['paragraph', 'The end.', undefined],
    ]);
  });

  it('has exact offsets everywhere', () => {
    expect(offsetProblems(doc)).toEqual([]);
  });
});

describe('parseText details', () => {
  it('handles CRLF line endings with offsets into the original text', () => {
    const text = 'Intro line that is a sentence.\r\nA Heading\r\nBody text here. More body.\r\n';
    const sections = parseText(text);
    expect(sections.map((s) => s.title)).toEqual(['Introduction', 'A Heading']);
    const body = sections[1]!.blocks[0]!;
    expect(body.text).toBe('Body text here. More body.');
    expect(text.slice(body.start, body.end)).toBe(body.text);
    expect(body.sentences.map((s) => text.slice(s.start, s.end))).toEqual(['Body text here.', 'More body.']);
  });

  it('does not take a line introducing a list, or the last line, for a heading', () => {
    const sections = parseText('Short intro\nThings to know:\n- one\n- two\nThe End');
    expect(sections.map((s) => s.title)).toEqual(['Short intro']);
    expect(sections[0]!.blocks.map((b) => b.text)).toEqual(['Things to know:', 'one', 'two', 'The End']);
  });

  it('gives no lead-in when the line before a list does not end with a colon', () => {
    const sections = parseText('We tried three things.\n- one\n- two\nOur options:\n* three');
    expect(sections[0]!.blocks.map((b) => [b.text, b.leadIn])).toEqual([
      ['We tried three things.', undefined],
      ['one', undefined],
      ['two', undefined],
      ['Our options:', undefined],
      ['three', 4],
    ]);
  });

  it('takes consecutive title lines before body text as headings', () => {
    const sections = parseText('Part One\nChapter 1\nIt was a dark night.');
    expect(sections.map((s) => [s.number, s.title, s.blocks.length])).toEqual([
      [1, 'Part One', 0],
      [2, 'Chapter 1', 1],
    ]);
  });

  it('takes an underlined line (setext style) for a heading, whatever its punctuation', () => {
    const text = 'A Short Essay\n=============\n\nWhy write at all?\n------------------\n\nBecause the lines\nare wrapped here.\n';
    const sections = parseText(text);
    expect(sections.map((s) => [s.title, s.level, s.parents])).toEqual([
      ['A Short Essay', 1, []],
      ['Why write at all?', 2, ['A Short Essay']],
    ]);
    expect(sections[1]!.blocks.map((b) => b.text)).toEqual(['Because the lines\nare wrapped here.']);
  });

  it('nests numbered headings alone on their line by the depth of their number', () => {
    const text = '1. Introduction\n\n   The project is an association.\n\n  1.1. Powers\n\n   A member may\n    1. vote on resolutions;\n    2. stand for election.\n\nA. Appendix\n\n   Counting votes is done last.\n';
    const sections = parseText(text);
    expect(sections.map((s) => [s.title, s.level])).toEqual([
      ['1. Introduction', 1],
      ['1.1. Powers', 2],
      ['A. Appendix', 1],
    ]);
    // The short line above the list introduces it; the items stay list items.
    expect(sections[1]!.blocks.map((b) => [b.kind, b.text])).toEqual([
      ['paragraph', 'A member may'],
      ['list-item', 'vote on resolutions;'],
      ['list-item', 'stand for election.'],
    ]);
  });

  it('keeps a numbered list with blank lines between items as a list', () => {
    const sections = parseText('Steps:\n\n1. Open the box.\n\n2. Take out the manual.\n');
    expect(sections.map((s) => s.title)).toEqual(['Introduction']);
    expect(sections[0]!.blocks.map((b) => b.kind)).toEqual(['paragraph', 'list-item', 'list-item']);
  });

  it('recognises a heading line', () => {
    expect(looksLikeHeading('Human Rights Concerns Amidst Russia’s Diplomatic Move')).toBe(true);
    expect(looksLikeHeading('Key factors influencing this recognition include:')).toBe(false);
    expect(looksLikeHeading('It ended.')).toBe(false);
    expect(looksLikeHeading('- Security Concerns')).toBe(false);
    expect(looksLikeHeading('one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen')).toBe(false);
    expect(looksLikeHeading('x'.repeat(101))).toBe(false);
  });
});
