import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { icuSentences, splitSentences, wholeAsSentence } from '../../../src/core/ingest/splitSentences.js';

const texts = (text: string): string[] => splitSentences(text).map((s) => s.text);

describe('splitSentences', () => {
  it('keeps abbreviations, initials and titles inside their sentence', () => {
    expect(texts('The U.S. government said no. Dr. Smith agreed, e.g. on Monday.')).toEqual([
      'The U.S. government said no.',
      'Dr. Smith agreed, e.g. on Monday.',
    ]);
    expect(texts('Prof. Lee and Mrs. Brown met John F. Kennedy. See Fig. 3 and pp. 10 later.')).toEqual([
      'Prof. Lee and Mrs. Brown met John F. Kennedy.',
      'See Fig. 3 and pp. 10 later.',
    ]);
    expect(texts('Use a tool, i.e. Node. It works.')).toEqual(['Use a tool, i.e. Node.', 'It works.']);
  });

  it('splits after numbers and years but not inside decimals', () => {
    expect(texts('He was born in 1990. Inflation hit 3.5 percent. It fell to 0.5.')).toEqual([
      'He was born in 1990.',
      'Inflation hit 3.5 percent.',
      'It fell to 0.5.',
    ]);
  });

  it('keeps an initialism before a name inside its sentence', () => {
    expect(texts('Protesters gathered at the U.S. Capitol on Monday. Police arrived.')).toEqual([
      'Protesters gathered at the U.S. Capitol on Monday.',
      'Police arrived.',
    ]);
    expect(texts('He works for the U.N. Security Council. She does not.')).toEqual(['He works for the U.N. Security Council.', 'She does not.']);
    expect(texts('Aid went to the U.K. However, it was late.')).toEqual(['Aid went to the U.K.', 'However, it was late.']);
    expect(texts('He moved to the U.S. It’s cold there.')).toEqual(['He moved to the U.S.', 'It’s cold there.']);
    expect(texts('He moved to the U.S. When he left, it rained.')).toEqual(['He moved to the U.S.', 'When he left, it rained.']);
  });

  it('keeps a sentence-final abbreviation as a boundary', () => {
    expect(texts('They moved to the U.S. It was cold. You and I. Did you?')).toEqual([
      'They moved to the U.S.',
      'It was cold.',
      'You and I.',
      'Did you?',
    ]);
  });

  it('handles quotes, inline code and list-like text', () => {
    expect(texts('He said “Stop.” Then he left.')).toEqual(['He said “Stop.”', 'Then he left.']);
    expect(texts('Call `fs.readFile()` first. Then use `a.b.c`.')).toEqual(['Call `fs.readFile()` first.', 'Then use `a.b.c`.']);
    expect(texts('1. First item. Still first.')).toEqual(['1. First item.', 'Still first.']);
  });

  it('lets a sentence span a soft line break but not a blank line', () => {
    expect(texts('Line one of a paragraph\r\nthat wraps. Next\nsentence.\n\nNew paragraph')).toEqual([
      'Line one of a paragraph\r\nthat wraps.',
      'Next\nsentence.',
      'New paragraph',
    ]);
  });

  it('returns trimmed sentences with offsets shifted by the block start', () => {
    const text = '  Hello there.   General Kenobi!  ';
    const sentences = splitSentences(text, 100);
    expect(sentences).toEqual([
      { text: 'Hello there.', start: 102, end: 114 },
      { text: 'General Kenobi!', start: 117, end: 132 },
    ]);
    for (const s of sentences) expect(text.slice(s.start - 100, s.end - 100)).toBe(s.text);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences(' \n\t ')).toEqual([]);
    expect(wholeAsSentence('\n  \n')).toEqual([]);
  });

  it('wholeAsSentence keeps code as one trimmed sentence', () => {
    expect(wholeAsSentence('\n  a = 1. b = 2\nc()\n', 10)).toEqual([{ text: 'a = 1. b = 2\nc()', start: 13, end: 29 }]);
  });
});

describe('icuSentences (windowed segmentation)', () => {
  const tricky =
    'It ended. 123 and more follow. Dr. Who? “Yes.” (Fine.) The U.S. is big. etc. and so on... ' +
    'A line\nbreak. Numbers 1. 2. 3. x 4.5 percent! End.\n\nNew paragraph ends. ';
  const samples = [
    tricky.repeat(4),
    readFileSync(new URL('../../../corpus/russia-recognizes-taliban.txt', import.meta.url), 'utf8'),
    readFileSync(new URL('../../fixtures/eval/node-readline.md', import.meta.url), 'utf8'),
  ];

  it('finds the same boundaries in small windows as in one pass', () => {
    for (const text of samples) {
      const whole = icuSentences(text, Infinity);
      expect(whole.length).toBeGreaterThan(10);
      for (const windowChars of [1, 7, 40, 333]) expect(icuSentences(text, windowChars)).toEqual(whole);
    }
  });

  it('covers the text with adjacent segments', () => {
    const ranges = icuSentences(samples[0]!, 50);
    expect(ranges[0]![0]).toBe(0);
    expect(ranges.at(-1)![1]).toBe(samples[0]!.length);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
  });

  it('stays fast on a long single-line paragraph', () => {
    const text = 'Dr. Smith went to Washington in 2020. He met Mr. Jones, e.g. at the Capitol. '.repeat(4000);
    const started = performance.now();
    expect(splitSentences(text)).toHaveLength(8000);
    // One ICU pass over this 300 KB string takes about 30 s on Node 20; windows take about 1 s.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
