/**
 * `npm run summary` through its `main(argv, io)`, on a temporary copy of the seed corpus.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/summary.js';
import { runCommand, useTempCorpus } from './helpers.js';

beforeAll(() => {
  useTempCorpus('summary');
});

const run = (...argv: string[]) => runCommand(main, ...argv);

describe('summary command', () => {
  it('prints {"passages": [...]} with --json, in the passage shape of ask --json', async () => {
    const { code, out, err } = await run('--json', '--sentences', '4');
    expect(code, err).toBe(0);
    const parsed = JSON.parse(out);
    expect(Object.keys(parsed)).toEqual(['passages']);
    expect(parsed.passages).toHaveLength(4);
    for (const p of parsed.passages) {
      expect(p).toMatchObject({ quote: expect.any(String), document: expect.any(String), documentId: 'seed.txt', paragraph: expect.any(Number), start: expect.any(Number), end: expect.any(Number), score: expect.any(Number) });
      expect(p.section).toEqual({ number: expect.any(Number), title: expect.any(String) });
    }
  });

  it('prints numbered quotes with citations for one section', async () => {
    const { code, out } = await run('--section', '3', '--sentences', '2');
    expect(code).toBe(0);
    expect(out).toMatch(/^Summary of “.+” — §3 Human Rights Concerns Amidst Russia’s Diplomatic Move\n/);
    expect(out).toMatch(/ 1\. “/);
    expect(out).toMatch(/ 2\. “/);
    expect(out).not.toMatch(/ 3\. “/);
    expect(out.match(/— §3 Human Rights Concerns Amidst Russia’s Diplomatic Move, ¶\d/g)).toHaveLength(2);
  });

  it('explains a section the document does not have (exit 1)', async () => {
    const { code, err } = await run('--section', '9');
    expect(code).toBe(1);
    expect(err).toContain('has no section 9');
  });

  it.each([
    [['--sentences', '0']],
    [['--sentences', '21']],
    [['--sentences', 'many']],
    [['--section', '-1']],
    [['--section', '1.5']],
    [['--doc', 'a.txt', '--corpus', 'dir']],
    [['--doc', 'a.txt', '--document', 'b.txt']],
    [['--frobnicate']],
    [['what is this about?']],
  ])('rejects wrong usage with exit 2: %j', async (argv) => {
    const { code, err, out } = await run(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(/^error: /);
    expect(err).toContain('Usage: npm run summary');
    expect(out).toBe('');
  });

  it('prints help with -h', async () => {
    const { code, out } = await run('-h');
    expect(code).toBe(0);
    expect(out).toContain('--sentences K');
  });
});
