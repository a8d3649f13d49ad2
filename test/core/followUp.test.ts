/** Follow-ups weigh the conversation's first question: its words and the sections that answered it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Verbatim } from '../../src/core/engine.js';
import { askFollowUp } from '../../src/core/answer/followUp.js';
import { fakeEngine } from './fakeEngine.js';

let engine: Verbatim;
let root: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-followup-'));
  fs.mkdirSync(path.join(root, 'corpus'));
  // Two sections whose follow-ups ("When did it happen?") mean different things.
  fs.copyFileSync(new URL('../fixtures/followUp/disasters.md', import.meta.url), path.join(root, 'corpus', 'disasters.md'));
  engine = await Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index') });
});
afterAll(async () => {
  await engine?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

it('answers a follow-up from the sections the first question was about', async () => {
  const about = (first: string) => askFollowUp(engine, 'When did it happen?', first, { top: 1 });
  const volcano = await about('What did the volcano in Washington State do?');
  expect(volcano.passages[0]!.quote).toBe('It happened on May 18, 1980, after two months of small earthquakes.');
  const flood = await about('Which rivers burst their levees?');
  expect(flood.passages[0]!.quote).toBe('It happened over the summer of 1993, after months of heavy rain.');
});

it('pages through a follow-up without repeating a passage', async () => {
  const first = 'What did the volcano in Washington State do?';
  const page1 = await askFollowUp(engine, 'When did it happen?', first, { top: 2 });
  const page2 = await askFollowUp(engine, 'When did it happen?', first, { top: 2, offset: 2 });
  const quotes = [...page1.passages, ...page2.passages].map((p) => p.quote);
  expect(new Set(quotes).size).toBe(quotes.length);
});

it('refuses a follow-up that is off the document however the first question reads', async () => {
  const first = 'What did the volcano in Washington State do?';
  for (const followUp of ['What is a good recipe for lentil soup?', 'rm -rf /', 'Who won the last football World Cup?']) {
    const answer = await askFollowUp(engine, followUp, first);
    expect(answer.answered, followUp).toBe(false);
  }
  // A follow-up that leans on the conversation is still answered from it.
  expect((await askFollowUp(engine, 'When did it happen?', first)).answered).toBe(true);
});

it('pages through a follow-up past the most passages one answer carries', async () => {
  // An engine with 40 passages, one answer giving at most MAX_TOP of them.
  const many = fakeEngine('many', ['a.txt'], 40);
  const page = await askFollowUp(many, 'What else?', 'What first?', { top: 3, offset: 18 });
  expect(page.passages).toHaveLength(3);
  const far = await askFollowUp(many, 'What else?', 'What first?', { top: 3, offset: 30 });
  expect(far.passages.map((p) => p.quote)).toEqual(['many:a.txt:30', 'many:a.txt:31', 'many:a.txt:32']);
});
