/**
 * `npm run chat` through its `main(argv, io)`: piped lines, the slash commands, and terminal
 * mode, where the Up arrow recalls the last line instead of being sent as `^[[A`.
 */
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/chat.js';
import { Verbatim } from '../../src/core/engine.js';
import { captureIO, useTempCorpus } from './helpers.js';

let firstQuote: string;
beforeAll(async () => {
  useTempCorpus('chat');
  const engine = await Verbatim.open({ corpus: process.env.CORPUS_DIR!, indexDir: process.env.INDEX_DIR! });
  firstQuote = (await engine.ask('What happens to journalists?')).passages[0]!.quote.slice(0, 40);
  await engine.close();
});

async function chat(lines: string[]) {
  const io = captureIO(lines);
  const code = await main([], io);
  return { code, out: io.out, err: io.err };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('chat', () => {
  it('answers questions; /more pages on, numbered from where the answer stopped', async () => {
    const { code, out, err } = await chat(['What happens to journalists?', '/more', '/quit']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(firstQuote);
    expect(out).toMatch(/^ 1\. “/m);
    expect(out).toMatch(/^ 4\. “/m); // the first passage of /more
  });

  it('/help lists every command; an unknown slash word is not taken as a question', async () => {
    const { out } = await chat(['/help', '/summry', '/quit']);
    for (const command of ['/help', '/more', '/summary', '/quiz', '/sections', '/quit']) expect(out).toContain(`  ${command}`);
    expect(out).toContain('unknown command /summry; /help lists the commands.');
    expect(out).not.toContain("doesn't seem to answer");
  });

  it('/summary K quotes K sentences; /sections lists the contents; /more before a question says so', async () => {
    const { out } = await chat(['/summary 2', '/sections', '/more', '/summary lots']);
    expect(count(out, '\n 1. “')).toBe(1);
    expect(count(out, '\n 2. “')).toBe(1);
    expect(out).not.toContain('\n 3. “');
    expect(out).toContain('§3 Human Rights Concerns Amidst Russia’s Diplomatic Move\n');
    expect(out).toContain('Ask a question first; /more shows its next passages.');
    expect(out).toMatch(/\/summary takes a number of sentences from 1 to \d+, got "lots"\./);
  });

  it('/quiz asks a question and checks the letter typed next', async () => {
    // Answer every letter in turn over four quizzes: at least one is right, and wrong ones say so.
    const { out } = await chat(['/quiz', 'a', '/quiz', 'b', '/quiz', 'c', '/quiz', 'd']);
    expect(count(out, '_____')).toBe(4);
    expect(count(out, 'Answer with its letter (A/B/C/D).')).toBe(4);
    expect(count(out, '   Answer ')).toBe(4);
    expect(count(out, 'Right!') + count(out, 'Not quite: ')).toBe(4);
  });

  it('on a terminal, Up recalls the previous line (history) instead of sending an escape sequence', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const io = Object.assign(captureIO(), { stdin });
    const done = main([], io);
    stdin.write('What happens to journalists?\r');
    // Give the answer time to print, then press Up and Enter: the same question again.
    await expect.poll(() => count(io.out, firstQuote), { timeout: 20_000 }).toBe(1);
    stdin.write('\x1b[A\r');
    await expect.poll(() => count(io.out, firstQuote), { timeout: 20_000 }).toBe(2);
    stdin.write('/quit\r');
    expect(await done).toBe(0);
    expect(io.out).not.toContain('^[[A');
    expect(io.out).not.toContain("doesn't seem to answer");
  });
});
