/**
 * `npm run quiz` through its `main(argv, io)`, on a temporary copy of the seed corpus.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { main, parseQuizArgs } from '../../src/cli/quiz.js';
import { runCommand, useTempCorpus } from './helpers.js';
import type { QuizQuestion } from '../../src/core/types.js';

beforeAll(() => {
  useTempCorpus('quiz');
});

const run = (...argv: string[]) => runCommand(main, ...argv);

describe('quiz command', () => {
  it('prints {"seed", "questions": [...]} with --json, the same for the same seed', async () => {
    const first = await run('--json', '--seed', '7', '--count', '3');
    expect(first.code, first.err).toBe(0);
    const parsed = JSON.parse(first.out) as { seed: number; questions: QuizQuestion[] };
    expect(parsed.seed).toBe(7);
    expect(parsed.questions).toHaveLength(3);
    expect(new Set(parsed.questions.map((q) => q.id)).size).toBe(3);
    for (const q of parsed.questions) {
      expect(q).toMatchObject({ id: expect.any(String), prompt: expect.stringContaining('_____'), answerIndex: expect.any(Number) });
      expect(q.options).toHaveLength(4);
      expect(q.passage).toMatchObject({ quote: expect.any(String), documentId: 'seed.txt', section: { number: expect.any(Number), title: expect.any(String) } });
    }
    const again = await run('--json', '--seed', '7', '--count', '3');
    expect(again.out).toBe(first.out);
  });

  it('prints numbered questions with options A-D, then the answers with their cited sentences', async () => {
    const { code, out } = await run('--seed', '2', '--count', '2');
    expect(code).toBe(0);
    expect(out).toMatch(/^Quiz \(seed 2; run with --seed 2 for the same questions\)/);
    for (const line of ['1. ', '2. ', '   A. ', '   B. ', '   C. ', '   D. ']) expect(out).toContain(`\n${line}`);
    const [questions, answers] = out.split('\nAnswers\n');
    expect(questions).toContain('_____');
    expect(answers).toMatch(/\n1\. [A-D]: .+\n   “.+”\n   — §\d .+, ¶\d+/);
    expect(answers).toMatch(/\n2\. [A-D]: /);
  });

  it('shows each answer under its question with --answers, and keeps to a section', async () => {
    const { code, out } = await run('--seed', '0', '--count', '2', '--answers', '--section', '4');
    expect(code).toBe(0);
    expect(out).not.toContain('\nAnswers\n');
    expect(out.match(/\n   Answer [A-D]: /g)).toHaveLength(2);
    expect(out.match(/— §(\d+)/g)).toEqual(['— §4', '— §4']);
  });

  it('explains a section the document does not have (exit 1)', async () => {
    const { code, err } = await run('--section', '12', '--seed', '1');
    expect(code).toBe(1);
    expect(err).toContain('has no section 12');
  });

  it.each([
    [['--count', '0']],
    [['--count', '21']],
    [['--seed', '-1']],
    [['--seed', 'abc']],
    [['--section', 'two']],
    [['--doc', 'a.txt', '--corpus', 'dir']],
    [['--nope']],
    [['quiz me']],
  ])('rejects wrong usage with exit 2: %j', async (argv) => {
    const { code, err, out } = await run(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(/^error: /);
    expect(err).toContain('Usage: npm run quiz');
    expect(out).toBe('');
  });

  it('draws a random seed when none is given', () => {
    expect(parseQuizArgs([], () => 42)).toMatchObject({ seed: 42, count: 5, answers: false, json: false });
    expect(parseQuizArgs(['--seed', '9'], () => 42)).toMatchObject({ seed: 9 });
  });
});
