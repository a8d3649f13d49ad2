import { describe, expect, it } from 'vitest';
import { splitSentences, wholeAsSentence } from '../../../src/core/ingest/splitSentences.js';

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
