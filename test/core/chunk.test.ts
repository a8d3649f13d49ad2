import { describe, expect, it } from 'vitest';
import { chunkSentences, sentenceTable, type SentenceRecord } from '../../src/core/chunk/chunkSections.js';
import { parseDocument } from '../../src/core/ingest/parseDocument.js';

/** One token per word: enough to check the sizing logic exactly. */
const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

const doc = parseDocument(
  [
    '# One',
    '',
    'Alpha beta gamma delta. Epsilon zeta eta. Theta iota kappa lambda mu.',
    '',
    'Nu xi omicron. Pi rho sigma tau upsilon.',
    '',
    '# Two',
    '',
    'A single sentence that is much longer than the chunk limit allows for any chunk at all here.',
    '',
    'Short one.',
  ].join('\n'),
  { id: 'greek.md', path: '/tmp/greek.md', format: 'markdown' },
);

describe('chunkSentences', () => {
  const sentences = sentenceTable([doc]);
  const chunks = chunkSentences(sentences, countWords, { maxTokens: 8, overlapSentences: 1 });

  it('never crosses a section boundary', () => {
    for (const c of chunks) expect(sentences[c.firstSentence]!.section).toBe(sentences[c.lastSentence]!.section);
    expect(new Set(chunks.map((c) => c.section))).toEqual(new Set([1, 2]));
  });

  it('keeps chunks within the token budget unless one sentence alone exceeds it', () => {
    for (const c of chunks) {
      expect(c.tokens).toBe(countWords(c.text));
      if (c.lastSentence > c.firstSentence) expect(c.tokens).toBeLessThanOrEqual(8);
    }
    const long = chunks.find((c) => c.text.startsWith('A single sentence'))!;
    expect(long.firstSentence).toBe(long.lastSentence);
    expect(long.tokens).toBeGreaterThan(8);
  });

  it('overlaps consecutive chunks of a section by one sentence, and covers every sentence', () => {
    const covered = new Set<number>();
    chunks.forEach((c, i) => {
      for (let s = c.firstSentence; s <= c.lastSentence; s++) covered.add(s);
      const next = chunks[i + 1];
      if (next && next.section === c.section && c.lastSentence > c.firstSentence) expect(next.firstSentence).toBe(c.lastSentence);
    });
    expect(covered.size).toBe(sentences.length);
  });

  it('knows its document, section, sentences and offsets', () => {
    chunks.forEach((c, i) => {
      expect(c.id).toBe(i);
      expect(c.doc).toBe(0);
      const first = sentences[c.firstSentence] as SentenceRecord;
      const last = sentences[c.lastSentence] as SentenceRecord;
      expect(c.start).toBe(first.start);
      expect(c.end).toBe(last.end);
      expect(c.text).toBe(sentences.slice(c.firstSentence, c.lastSentence + 1).map((s) => s.text).join(' '));
      expect(doc.text.slice(first.start, first.end)).toBe(first.text);
    });
  });

  it('puts a whole short section in one chunk', () => {
    const whole = chunkSentences(sentences, countWords, { maxTokens: 1000, overlapSentences: 1 });
    expect(whole.map((c) => c.section)).toEqual([1, 2]);
  });
});
