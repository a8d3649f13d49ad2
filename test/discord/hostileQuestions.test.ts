/**
 * What a user types is echoed back only in printable form (issue 11): the "Q:" line of an
 * answer never carries NUL, ESC (terminal escapes), bidirectional overrides or lone surrogates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verbatim } from '../../src/core/engine.js';
import { readQuestion } from '../../src/discord/format/answer.js';
import { printable } from '../../src/core/text/printable.js';
import { openTestEngine, startBot, type RunningBot } from './helpers.js';

let engine: Verbatim;
let run: RunningBot;
beforeAll(async () => {
  engine = await openTestEngine();
  run = await startBot({ engine });
});
afterAll(async () => {
  await run?.stop();
  await engine?.close();
});

const UNPRINTABLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('the question echoed in an answer', () => {
  it.each([
    ['NUL and ESC', 'Why did Russia\u0000 recognize the \u001b[31mTaliban\u001b[0m?'],
    ['a lone surrogate', 'Why did Russia recognize the Taliban \uD800?'],
    ['a bidirectional override', 'Why did \u202Eaissur\u202C recognize the Taliban?'],
  ])('carries no %s', async (_name, question) => {
    const message = await run.discord.sendSlashCommand({ name: 'ask', options: { question } }).finalMessage();
    const echoed = readQuestion(message.embeds[0]);
    expect(echoed).not.toBeNull();
    expect(echoed).not.toMatch(UNPRINTABLE);
    expect(echoed).toContain('recognize the');
  });

  it('printable() keeps ordinary text and emoji as they are', () => {
    expect(printable('Qu’est-ce que c’est ? 😀 — «ok»')).toBe('Qu’est-ce que c’est ? 😀 — «ok»');
    expect(printable('a\u0000b\u001bc\uDC00d')).toBe('a b c\uFFFDd');
  });
});
