/**
 * 1,200 seeded hostile questions through the command line's batch interface (issue 11):
 * no crash, one valid JSON object per question, and every quote exactly the source text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { main as ask } from '../../src/cli/ask.js';
import { main as buildIndex } from '../../src/cli/buildIndex.js';
import { foldWhitespace } from '../../src/core/answer/makePassage.js';
import { captureIO, SEED, useTempCorpus } from '../cli/helpers.js';
import { seeded } from './random.js';

const QUESTIONS = 1200;
const root = useTempCorpus('fuzz-questions');
const seedText = fs.readFileSync(SEED, 'utf8');
const words = seedText.split(/\s+/).filter(Boolean);

beforeAll(async () => {
  expect(await buildIndex([], captureIO())).toBe(0);
});

/** One hostile question (one line: the batch reads a question per line). */
function hostileQuestion(random: ReturnType<typeof seeded>): string {
  const { int, pick } = random;
  const kinds: Array<() => string> = [
    // Words of the document, shuffled: on-topic nonsense.
    () => Array.from({ length: 1 + int(20) }, () => pick(words)).join(' ') + pick(['?', '', '!', '...']),
    // Random code points: controls, surrogate halves, emoji, right-to-left text, private use.
    () => Array.from({ length: 1 + int(60) }, () => String.fromCharCode(pick([int(0x20), 0x20 + int(0x60), 0x80 + int(0x80), 0x202e, 0xd800 + int(0x800), 0xfeff, 0xfffd, 0x0600 + int(0x100), 0x4e00 + int(0x100)]))).join('').replace(/[\r\n]/g, ' '),
    () => '😀'.repeat(1 + int(50)) + ' ' + pick(words),
    // Markup, mentions, injection attempts.
    () => pick(['@everyone', '<@123456789012345678>', '<script>alert(1)</script>', "'; DROP TABLE questions; --", '```js\nx\n```', '**bold** _it_ `code`', '[link](http://x)', '||spoiler||', '${process.exit()}', '%s%s%s%n', '\\u0000', '../../../../etc/passwd']) + ' ' + pick(words) + '?',
    // Regular-expression and search syntax.
    () => pick(['(((((', '.*.*.*.*', '[a-z]+$', 'a|b|c', 'word AND NOT other', '"exact phrase"', 'title:Taliban', '*', '?', '???', '\\', '^$']).repeat(1 + int(40)),
    // Lengths around the limit, and far over it.
    () => pick(words).repeat(1 + int(3)) + ' ' + 'why '.repeat(pick([1, 100, 499, 500, 501, 700, 2500])),
    // Numbers and dates.
    () => `What happened in ${int(3000)} on ${1 + int(31)}/${1 + int(12)}? ${int(1e9)} ${-int(100)} NaN Infinity 1e308`,
    // One very long word.
    () => 'x'.repeat(1 + int(1999)),
    // Only punctuation or whitespace-like characters.
    () => pick(['?', '!!', '. . .', '\u00a0\u2003?', '\u200b\u200c\u200d', '—', '¿¡']).repeat(1 + int(10)),
  ];
  return pick(kinds)();
}

describe('hostile questions through `ask --batch --json`', () => {
  it(`answers ${QUESTIONS} of them without a crash, in valid JSON, quoting exactly`, async () => {
    const random = seeded(11);
    const questions = Array.from({ length: QUESTIONS }, () => hostileQuestion(random));
    const file = path.join(root, 'questions.txt');
    fs.writeFileSync(file, questions.join('\n') + '\n');
    // What the batch reads: one question per non-blank line, trimmed (a lone surrogate is written as U+FFFD).
    const expected = fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean).length;
    expect(expected).toBeGreaterThanOrEqual(1000);

    const io = captureIO();
    const code = await ask(['--batch', file, '--json', '--top', '5'], io);
    expect(io.err).not.toMatch(/unexpected failure|\n\s+at /);
    expect([0, 1]).toContain(code);
    const lines = io.out.trimEnd().split('\n');
    expect(lines).toHaveLength(expected);
    const errors = new Map<string, number>();
    let answered = 0;
    for (const line of lines) {
      const result = JSON.parse(line) as { answered?: boolean; passages?: Array<{ quote: string; start: number; end: number }>; error?: { code: string } };
      if (result.error) {
        errors.set(result.error.code, (errors.get(result.error.code) ?? 0) + 1);
        continue;
      }
      expect(typeof result.answered).toBe('boolean');
      if (result.answered) answered++;
      for (const p of result.passages!) expect(p.quote).toBe(foldWhitespace(seedText.slice(p.start, p.end)));
    }
    // The only failures are the documented refusals of a question itself.
    expect([...errors.keys()].every((c) => c === 'EMPTY_QUESTION' || c === 'QUESTION_TOO_LONG')).toBe(true);
    expect(code).toBe(errors.size > 0 ? 1 : 0);
    expect(answered).toBeGreaterThan(0);
  }, 180_000);
});
