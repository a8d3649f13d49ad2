/**
 * Hostile documents (issue 11): nesting that overflowed the stack, emphasis that made the
 * parser quadratic, sentences of megabytes. Each parses, flattened where it must be, with a
 * warning, into exact, bounded sentences.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../../src/core/ingest/parseDocument.js';
import { limitMarkdownNesting, MAX_MARKDOWN_NESTING } from '../../../src/core/ingest/limitNesting.js';
import { boundSentence, MAX_CODE_SENTENCE_CHARS, MAX_SENTENCE_CHARS } from '../../../src/core/ingest/splitSentences.js';
import { loadCorpus } from '../../../src/core/ingest/loadCorpus.js';
import type { Logger, ParsedDocument } from '../../../src/core/types.js';
import { offsetProblems } from './checkOffsets.js';

function parse(text: string, format: 'markdown' | 'text' = 'markdown') {
  const warnings: string[] = [];
  const doc = parseDocument(text, { id: 'hostile.md', path: '/hostile.md', format, onWarning: (m) => warnings.push(m) });
  return { doc, warnings };
}

const sentencesOf = (doc: ParsedDocument) => doc.sections.flatMap((s) => s.blocks.flatMap((b) => b.sentences));

/** Every sentence exact, ordered, and within its bound. */
function expectSound(doc: ParsedDocument): void {
  expect(offsetProblems(doc)).toEqual([]);
  for (const s of sentencesOf(doc)) expect(s.end - s.start).toBeLessThanOrEqual(MAX_CODE_SENTENCE_CHARS);
}

describe('deep nesting', () => {
  it.each([
    ['a list 3,000 deep on one line', '- '.repeat(3000) + 'deep item text.'],
    ['a block quote 3,000 deep', '>'.repeat(3000) + ' deep quote text.'],
    ['a mixed list and quote 3,000 deep', '> - '.repeat(1500) + 'deep mixed text.'],
    ['ordered lists 2,000 deep', '1. '.repeat(2000) + 'deep ordered text.'],
  ])('%s: flattened with a warning, its text kept', (_name, hostile) => {
    const { doc, warnings } = parse(`# Title\n\nIntro paragraph.\n\n${hostile}\n\nAfter paragraph.\n`);
    expectSound(doc);
    const texts = sentencesOf(doc).map((s) => s.text);
    expect(texts.some((t) => /deep (item|quote|mixed|ordered) text/.test(t))).toBe(true);
    expect(texts).toContain('After paragraph.');
    expect(warnings.join('\n')).toMatch(new RegExp(`deeper than ${MAX_MARKDOWN_NESTING}`));
  });

  it('flattens a staircase of ever deeper list lines', () => {
    const stairs = Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}- step ${i} of the stairs.`).join('\n');
    const { doc, warnings } = parse(`# Stairs\n\n${stairs}\n`);
    expectSound(doc);
    const all = sentencesOf(doc).map((s) => s.text).join(' ');
    expect(all).toContain('step 0 of the stairs');
    expect(all).toContain('step 299 of the stairs');
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('reads nesting within the limit exactly as before', () => {
    const nested = Array.from({ length: 8 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n');
    const { doc, warnings } = parse(`# Lists\n\n${nested}\n`);
    expect(warnings).toEqual([]);
    expect(doc.sections.at(-1)!.blocks.map((b) => [b.kind, b.text])).toEqual(Array.from({ length: 8 }, (_, i) => ['list-item', `level ${i}`]));
    expect(limitMarkdownNesting(nested).text).toBe(nested);
  });

  it('parses thousands of nested emphasis markers (quadratic for the parser) as text', () => {
    const { doc } = parse(`# A *real* title\n\n${'*a '.repeat(3000)}x${' b*'.repeat(3000)}\n`);
    expectSound(doc);
    expect(doc.sections.at(-1)!.title).toBe('A real title');
  });

  it.each([
    ['# A *real* title', 'A real title'],
    ['# **Bold** and _light_ and ***both***', 'Bold and light and both'],
    ['# process.env.NODE_ENV and snake_case_name', 'process.env.NODE_ENV and snake_case_name'],
    ['# 2 * 3 * 4', '2 * 3 * 4'],
    ['# `a*b*c` in code', 'a*b*c in code'],
  ])('reads heading %j as %j', (heading, title) => {
    expect(parse(`${heading}\n\nText.\n`).doc.sections.at(-1)!.title).toBe(title);
  });
});

describe('long sentences', () => {
  it('cuts a sentence with no punctuation at words, under the bound, losing nothing', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `word${i}`).join(' ');
    const { doc } = parse(words, 'text');
    expectSound(doc);
    const sentences = sentencesOf(doc);
    expect(sentences.length).toBeGreaterThan(20);
    for (const s of sentences) expect(s.text.length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
    expect(sentences.map((s) => s.text).join(' ')).toBe(words);
  });

  it('prefers a clause boundary, then a space, then any place outside a surrogate pair', () => {
    const clause = `${'a'.repeat(700)}, ${'b'.repeat(700)}`;
    expect(boundSentence({ text: clause, start: 10, end: 10 + clause.length }).map((s) => s.text)).toEqual([`${'a'.repeat(700)},`, 'b'.repeat(700)]);
    const word = `${'a'.repeat(300)} ${'b'.repeat(900)}`;
    expect(boundSentence({ text: word, start: 0, end: word.length }).map((s) => s.text.length)).toEqual([300, 900]);
    const emoji = '😀'.repeat(800); // 1,600 code units, no space
    const pieces = boundSentence({ text: emoji, start: 0, end: emoji.length });
    expect(pieces.map((p) => p.text).join('')).toBe(emoji);
    for (const p of pieces) expect(p.text).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });

  it('cuts a huge code block at line breaks', () => {
    const code = Array.from({ length: 2000 }, (_, i) => `const value${i} = ${i};`).join('\n');
    const { doc } = parse('# Code\n\n```js\n' + code + '\n```\n');
    expectSound(doc);
    const sentences = sentencesOf(doc);
    expect(sentences.length).toBeGreaterThan(5);
    for (const s of sentences) expect(s.text.startsWith('const value')).toBe(true);
  });
});

describe('a bad file in a corpus folder', () => {
  it('is skipped with its name and reason; the rest is indexed; warnings name the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'verbatim-hostile-'));
    await writeFile(path.join(dir, 'good.md'), '# Good\n\nA perfectly ordinary paragraph.\n');
    await writeFile(path.join(dir, 'deep.md'), `# Deep\n\n${'- '.repeat(3000)}the bottom.\n`);
    await writeFile(path.join(dir, 'binary.txt'), Buffer.from([1, 0, 2]));
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (_o, m) => void warnings.push(m ?? '') };
    const { documents, skipped } = await loadCorpus(dir, { logger });
    expect(documents.map((d) => d.id)).toEqual(['deep.md', 'good.md']);
    expect(skipped).toEqual([{ path: 'binary.txt', reason: 'binary file (contains NUL bytes)' }]);
    expect(warnings).toContain('skipped a corpus file: binary.txt (binary file (contains NUL bytes))');
    expect(warnings.some((w) => w.startsWith('deep.md: ') && /deeper than/.test(w))).toBe(true);
  });
});
