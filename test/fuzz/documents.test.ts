/**
 * Hostile documents end to end (issue 11): a corpus of the kinds that crashed or stalled the
 * engine is indexed, asked, summarised and quizzed. Each step completes (no time is asserted:
 * speed is measured in scripts/bench-hostile.ts), and every quote is exact and bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Verbatim } from '../../src/core/engine.js';
import { foldWhitespace } from '../../src/core/answer/makePassage.js';
import { MAX_CODE_SENTENCE_CHARS } from '../../src/core/ingest/splitSentences.js';
import type { Passage } from '../../src/core/types.js';
import { SEED } from '../core/helpers.js';
import { hostileDocuments } from './hostileDocuments.js';

let engine: Verbatim;
let texts: Map<string, string>;
const warnings: string[] = [];

beforeAll(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-fuzz-docs-'));
  const corpus = path.join(root, 'corpus');
  fs.mkdirSync(corpus);
  fs.copyFileSync(SEED, path.join(corpus, 'seed.txt'));
  for (const [name, content] of Object.entries(hostileDocuments())) fs.writeFileSync(path.join(corpus, name), content);
  texts = new Map(fs.readdirSync(corpus).map((f) => [f, fs.readFileSync(path.join(corpus, f), 'utf8').replace(/^\uFEFF/, '')]));
  engine = await Verbatim.open({ corpus, indexDir: path.join(root, 'index'), logger: { debug() {}, info() {}, error() {}, warn: (_o, m) => void warnings.push(m ?? '') } });
}, 300_000);
afterAll(async () => engine?.close());

function expectExact(passages: Passage[]): void {
  for (const p of passages) {
    expect(p.quote).toBe(foldWhitespace(texts.get(p.documentId)!.slice(p.start, p.end)));
    expect(p.end - p.start).toBeLessThanOrEqual(MAX_CODE_SENTENCE_CHARS);
  }
}

describe('a corpus of hostile documents', () => {
  it('indexes every one of them, warning about the flattened ones by name', () => {
    expect(engine.documents().map((d) => d.id).sort()).toEqual([...texts.keys()].sort());
    expect(warnings.some((w) => w.startsWith('deep-list.md:'))).toBe(true);
    expect(warnings.some((w) => w.startsWith('deep-quote.md:'))).toBe(true);
  });

  it('answers questions about each, and off-topic ones, quoting exactly and boundedly', async () => {
    for (const question of ['What is word42 about?', 'What does the deep item say?', 'Which value is 1999?', 'Why did Russia recognize the Taliban?', 'Who won the 1998 football world cup?', 'heading 5000']) {
      const answer = await engine.ask(question, { top: 10 });
      expectExact(answer.passages);
    }
  }, 120_000);

  it('summarises each document', async () => {
    for (const { id } of engine.documents()) expectExact((await engine.summarise({ documentId: id, sentences: 10 })).passages);
  }, 120_000);

  it('makes quizzes of each document', () => {
    for (const { id } of engine.documents()) {
      for (let seed = 0; seed < 3; seed++) {
        const quiz = engine.quiz({ documentId: id, seed });
        if (quiz) expectExact([quiz.passage]);
      }
    }
  }, 120_000);
});
