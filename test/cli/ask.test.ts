/**
 * The command line, through its `main(argv, io)` entry points, on the bundled document and
 * model with a private index folder.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { main as ask } from '../../src/cli/ask.js';
import { main as chat } from '../../src/cli/chat.js';
import { main as buildIndex } from '../../src/cli/buildIndex.js';
import { captureIO, SEED, useTempCorpus } from './helpers.js';

const tmp = useTempCorpus('ask');
const seedText = fs.readFileSync(SEED, 'utf8');
const capture = captureIO;

beforeAll(async () => {
  const io = capture();
  expect(await buildIndex([], io)).toBe(0);
  expect(io.out).toMatch(/Indexed 1 document\(s\): 5 sections/);
});

describe('npm run ask', () => {
  it('prints the JSON contract', async () => {
    const io = capture();
    expect(await ask(['--json', '--top', '2', 'Which groups remain vulnerable to persecution?'], io)).toBe(0);
    const answer = JSON.parse(io.out);
    expect(answer).toMatchObject({ question: 'Which groups remain vulnerable to persecution?', answered: true });
    expect(answer.passages).toHaveLength(2);
    for (const p of answer.passages) {
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['quote', 'document', 'section', 'paragraph', 'start', 'end', 'score']));
      expect(p.section).toEqual({ number: expect.any(Number), title: expect.any(String) });
      expect(seedText.slice(p.start, p.end)).toBe(p.quote);
      expect(p.document).toBe('Russia Becomes the First Country to Recognize the Taliban Government');
    }
  });

  it('prints quotes with citations for people', async () => {
    const io = capture();
    expect(await ask(['Which groups such as the Hazaras remain vulnerable?'], io)).toBe(0);
    // Quotes are wrapped for the terminal; compare with the line breaks folded.
    const text = io.out.replace(/\s+/g, ' ');
    expect(text).toContain('“Ethnic and Religious Minorities: Groups such as the Hazaras remain vulnerable to persecution and systemic discrimination.”');
    expect(text).toContain('— §3 Human Rights Concerns Amidst Russia’s Diplomatic Move, ¶5');
  });

  it('says when the document does not answer, and exits 0', async () => {
    const io = capture();
    expect(await ask(['--json', 'What is a good recipe for banana bread?'], io)).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ answered: false, passages: [], reason: expect.stringMatching(/doesn't seem to answer/) });
  });

  it.each([
    [[], /no question given/],
    [['   '], /no question given/],
    [['--top', '0', 'why?'], /--top must be a whole number/],
    [['--bogus', 'why?'], /Unknown option '--bogus'/],
    [['--doc', 'a.md', '--corpus', 'b', 'why?'], /--doc or --corpus, not both/],
  ])('prints usage and exits 2 for wrong arguments %j', async (argv, message) => {
    const io = capture();
    expect(await ask(argv as string[], io)).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.err).toContain('Usage: npm run ask');
  });

  it('refuses a 10,000-character question with a clear message, as wrong usage (exit 2), before the model loads', async () => {
    const io = capture();
    expect(await ask(['x'.repeat(10_000)], io)).toBe(2);
    expect(io.err).toMatch(/10000 characters long; the limit is 2000/);
    expect(io.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('explains an unreadable or unusable --doc', async () => {
    const missing = capture();
    expect(await ask(['--doc', path.join(tmp, 'missing.md'), 'why?'], missing)).toBe(1);
    expect(missing.err).toMatch(/Cannot load ".*missing\.md": .*(no such file|ENOENT)/i);

    const binary = path.join(tmp, 'binary.txt');
    fs.writeFileSync(binary, Buffer.from([1, 2, 0, 3]));
    const bin = capture();
    expect(await ask(['--doc', binary, 'why?'], bin)).toBe(1);
    expect(bin.err).toMatch(/binary/);

    const empty = path.join(tmp, 'empty.md');
    fs.writeFileSync(empty, '');
    const emp = capture();
    expect(await ask(['--doc', empty, 'why?'], emp)).toBe(1);
    expect(emp.err).toMatch(/empty/);
  });

  it('answers about another document given with --doc', async () => {
    const doc = path.join(tmp, 'notes.md');
    fs.writeFileSync(doc, '# Bees\n\nHoney bees communicate the location of flowers with a waggle dance.\n\n# Ants\n\nAnts follow pheromone trails laid by their nest mates.\n');
    const io = capture();
    expect(await ask(['--json', '--doc', doc, 'How do bees tell each other where flowers are?'], io)).toBe(0);
    const answer = JSON.parse(io.out);
    expect(answer.passages[0]).toMatchObject({ quote: 'Honey bees communicate the location of flowers with a waggle dance.', section: { number: 1, title: 'Bees' } });
  });

  it("never passes a document's control characters to the terminal, and keeps them in --json", async () => {
    const doc = path.join(tmp, 'escapes.md');
    // ESC [31m turns a terminal red; ESC ]0; … BEL retitles its window.
    fs.writeFileSync(doc, '# Bees \u001b]0;owned\u0007\n\nHoney bees \u001b[31mcommunicate\u001b[0m the location of flowers with a waggle dance.\n');
    const io = capture();
    expect(await ask(['--doc', doc, 'How do bees tell each other where flowers are?'], io)).toBe(0);
    expect(io.out).toMatch(/communicate/);
    // eslint-disable-next-line no-control-regex
    expect(io.out).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
    const json = capture();
    expect(await ask(['--json', '--doc', doc, 'How do bees tell each other where flowers are?'], json)).toBe(0);
    expect(JSON.parse(json.out).passages[0].quote).toContain('\u001b[31mcommunicate');
  });

  it('answers a batch, one JSON line per question, and keeps going past a bad one', async () => {
    const batch = path.join(tmp, 'questions.txt');
    fs.writeFileSync(batch, `Who faces censorship?\n\n${'y'.repeat(3000)}\nWhat should stakeholders prioritize?\n`);
    const io = capture();
    expect(await ask(['--json', '--batch', batch], io)).toBe(1);
    const lines = io.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].answered).toBe(true);
    expect(lines[1].error).toMatchObject({ code: 'QUESTION_TOO_LONG' });
    expect(lines[2].answered).toBe(true);
  });

  it('explains a missing model folder', async () => {
    process.env.EMBEDDING_MODEL = path.join(tmp, 'no-such-model');
    try {
      const io = capture();
      expect(await ask(['why?'], io)).toBe(1);
      expect(io.err).toMatch(/No model at .*no-such-model.*npm run build-model/);
    } finally {
      delete process.env.EMBEDDING_MODEL;
    }
  });
});

describe('npm run chat', () => {
  it('answers each line and lists sections, then leaves on /quit', async () => {
    const io = capture(['Who faces intimidation and censorship?', '', '/sections', '/quit', 'never asked']);
    expect(await chat([], io)).toBe(0);
    expect(io.out.replace(/\s+/g, ' ')).toContain('Journalists face intimidation, censorship, and violence');
    expect(io.out).toContain('§4 Recommendations for Global Stakeholders Engaging with Taliban-Led Afghanistan');
    expect(io.out).not.toContain('never asked');
  });

  it('answers a bad question with the reason and goes on', async () => {
    const io = capture(['z'.repeat(2500), 'Who faces intimidation and censorship?']);
    expect(await chat([], io)).toBe(0);
    expect(io.out).toMatch(/limit is 2000/);
    expect(io.out).toContain('Journalists face intimidation');
  });
});
