/**
 * Extractive summaries on the seed and the readline docs (one corpus of both), with the
 * bundled model, offline.
 *
 * Near-duplicate, the measure of redundancy: two sentences whose embeddings (bundled model)
 * have cosine >= 0.9, or whose index terms have Jaccard >= 0.6. No two sentences of a summary
 * may be near-duplicates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Verbatim } from '../../src/core/engine.js';
import { VerbatimError } from '../../src/core/errors.js';
import { foldWhitespace } from '../../src/core/answer/makePassage.js';
import { loadEmbedder, type Embedder } from '../../src/core/embed/loadEmbedder.js';
import { terms } from '../../src/core/text/terms.js';
import { BUNDLED_MODEL } from '../../src/core/paths.js';
import { SEED, tempCorpus } from './helpers.js';
import { allocateSentences } from '../../src/core/summarise/allocateSentences.js';
import type { Passage } from '../../src/core/types.js';

const READLINE = path.join(import.meta.dirname, '..', 'fixtures', 'eval', 'node-readline.md');
const texts: Record<string, string> = {
  'seed.txt': fs.readFileSync(SEED, 'utf8'),
  'node-readline.md': fs.readFileSync(READLINE, 'utf8'),
};

let engine: Verbatim;
let embedder: Embedder;

beforeAll(async () => {
  engine = await Verbatim.open(tempCorpus('summary', [READLINE]));
  embedder = await loadEmbedder({ model: BUNDLED_MODEL });
});
afterAll(async () => {
  await engine?.close();
  await embedder?.dispose();
});

const seed = { documentId: 'seed.txt' };
const readline = { documentId: 'node-readline.md' };

function expectVerbatim(passages: Passage[]) {
  for (const p of passages) {
    const text = texts[p.documentId]!;
    expect(p.quote).toBe(foldWhitespace(text.slice(p.start, p.end)));
    expect(p.score).toBeGreaterThanOrEqual(0);
    expect(p.score).toBeLessThanOrEqual(1);
    const section = engine.sections().find((s) => s.documentId === p.documentId && s.number === p.section.number)!;
    expect(p.section.title).toBe(section.title);
    expect(p.paragraph).toBeGreaterThanOrEqual(1);
    expect(p.paragraph).toBeLessThanOrEqual(section.paragraphs);
  }
}

async function nearDuplicatePairs(passages: Passage[]): Promise<string[]> {
  const vectors = await embedder.embed(passages.map((p) => p.quote), 'passage');
  const termSets = passages.map((p) => new Set(terms(p.quote)));
  const found: string[] = [];
  for (let i = 0; i < passages.length; i++) {
    for (let j = i + 1; j < passages.length; j++) {
      let cosine = 0;
      for (let d = 0; d < vectors[i]!.length; d++) cosine += vectors[i]![d]! * vectors[j]![d]!;
      const shared = [...termSets[i]!].filter((t) => termSets[j]!.has(t)).length;
      const jaccard = shared / (termSets[i]!.size + termSets[j]!.size - shared);
      if (cosine >= 0.9 || jaccard >= 0.6) found.push(`${passages[i]!.quote} <> ${passages[j]!.quote} (cos ${cosine.toFixed(2)}, jaccard ${jaccard.toFixed(2)})`);
    }
  }
  return found;
}

describe('allocateSentences', () => {
  it('splits by largest remainder', () => {
    // The seed's sections: quotas 0.41, 0.87, 1.10, 1.08, 1.54 -> floors 0,0,1,1,1, then the two largest remainders.
    expect(allocateSentences([501, 1069, 1357, 1325, 1891], [9, 9, 9, 9, 9], 5)).toEqual([0, 1, 1, 1, 2]);
    expect(allocateSentences([1, 1, 1], [5, 5, 5], 2)).toEqual([1, 1, 0]);
  });

  it('never gives a section more than it has, and hands the rest to the others', () => {
    expect(allocateSentences([100, 10, 10], [1, 5, 5], 4)).toEqual([1, 2, 1]);
    expect(allocateSentences([100, 10], [1, 1], 5)).toEqual([1, 1]);
    expect(allocateSentences([0, 0], [0, 0], 3)).toEqual([0, 0]);
  });
});

describe('whole-document summaries', () => {
  it('quotes 5 sentences verbatim, in document order, covering at least 4 of the seed’s 5 sections', async () => {
    const summary = await engine.summarise(seed);
    expect(summary.passages).toHaveLength(5);
    expectVerbatim(summary.passages);
    const starts = summary.passages.map((p) => p.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(new Set(summary.passages.map((p) => p.section.number)).size).toBeGreaterThanOrEqual(4);
  });

  it('quotes whole sentences, never a list lead-in or a fragment', async () => {
    const summary = await engine.summarise({ ...seed, sentences: 20 });
    for (const p of summary.passages) {
      expect(p.quote.endsWith(':')).toBe(false);
      expect(p.quote.split(/\s+/).length).toBeGreaterThanOrEqual(6);
      expect(/[.;!?]$/.test(p.quote)).toBe(true);
    }
  });

  it.each([
    ['the seed, 10 sentences', seed, 10],
    ['the seed, 20 sentences', seed, 20],
    ['the readline docs (which repeat whole paragraphs), 20 sentences', readline, 20],
  ])('never chooses two near-duplicate sentences: %s', async (_, options, sentences) => {
    const summary = await engine.summarise({ ...options, sentences });
    expect(summary.passages.length).toBe(sentences);
    expect(await nearDuplicatePairs(summary.passages)).toEqual([]);
  });

  it('never quotes code', async () => {
    const text = texts['node-readline.md']!;
    const fences = [...text.matchAll(/```[\s\S]*?```/g)].map((m) => [m.index, m.index + m[0].length] as const);
    const summary = await engine.summarise({ ...readline, sentences: 20 });
    expectVerbatim(summary.passages);
    for (const p of summary.passages) {
      expect(fences.some(([a, b]) => p.start >= a && p.end <= b)).toBe(false);
      expect(p.quote).not.toMatch(/<\/?t[dr]>/);
    }
  });

  it('is deterministic', async () => {
    expect(await engine.summarise({ ...readline, sentences: 8 })).toEqual(await engine.summarise({ ...readline, sentences: 8 }));
    expect(await engine.summarise(seed)).toEqual(await engine.summarise(seed));
  });

  it('summarises every document of a corpus in proportion when none is named', async () => {
    const summary = await engine.summarise({ sentences: 10 });
    expect(summary.passages).toHaveLength(10);
    expectVerbatim(summary.passages);
    expect(new Set(summary.passages.map((p) => p.documentId))).toEqual(new Set(['seed.txt', 'node-readline.md']));
  });

  it('caps the length at 20 sentences', async () => {
    expect((await engine.summarise({ ...readline, sentences: 500 })).passages).toHaveLength(20);
    expect((await engine.summarise({ ...seed, sentences: 0 })).passages).toHaveLength(1);
  });
});

describe('section summaries', () => {
  it.each([0, 1, 2, 3, 4])('stays within section %i of the seed', async (section) => {
    const summary = await engine.summarise({ ...seed, section, sentences: 3 });
    expect(summary.passages).toHaveLength(3);
    expectVerbatim(summary.passages);
    for (const p of summary.passages) expect(p.section.number).toBe(section);
  });

  it('returns every quotable sentence when asked for more than the section has', async () => {
    const intro = await engine.summarise({ ...seed, section: 0, sentences: 20 });
    const paragraph = engine.sectionText('seed.txt', 0)[0]!.quote;
    expect(intro.passages.map((p) => p.quote).join(' ')).toBe(paragraph);
    // Section 1: three sentences, a list lead-in (not quotable) and three list items.
    const section1 = await engine.summarise({ ...seed, section: 1, sentences: 20 });
    expect(section1.passages).toHaveLength(6);
    expect(section1.passages.map((p) => p.quote)).not.toContain('Key factors influencing this recognition include:');
    expect(section1.passages.filter((p) => p.leadIn).map((p) => p.leadIn!.quote)).toEqual(Array(3).fill('Key factors influencing this recognition include:'));
  });

  it('returns nothing for a section of only code and headings', async () => {
    // "Class: readlinePromises.Readline" has no body of its own.
    const empty = engine.sections().find((s) => s.documentId === 'node-readline.md' && s.title === 'Class: readlinePromises.Readline')!;
    expect((await engine.summarise({ ...readline, section: empty.number })).passages).toEqual([]);
  });

  it('rejects a section the document does not have', async () => {
    await expect(engine.summarise({ ...seed, section: 9 })).rejects.toMatchObject({ name: 'VerbatimError', code: 'UNKNOWN_SECTION' });
    await expect(engine.summarise({ ...seed, section: 9 })).rejects.toBeInstanceOf(VerbatimError);
  });

  it('asks which document when a corpus has several', async () => {
    await expect(engine.summarise({ section: 1 })).rejects.toMatchObject({ code: 'UNKNOWN_DOCUMENT' });
    await expect(engine.summarise({ documentId: 'nope.txt' })).rejects.toMatchObject({ code: 'UNKNOWN_DOCUMENT' });
  });
});
