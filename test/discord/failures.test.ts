/**
 * Deadlines and failures: a slow engine makes the bot defer and edit; a failing engine
 * answers that user privately with an error id that is in the log, and everyone else is
 * still served.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageFlags } from 'discord.js';
import type { Verbatim } from '../../src/core/engine.js';
import { openTestEngine, sleep, startBot, wrapEngine, type RunningBot } from './helpers.js';

let engine: Verbatim;
let run: RunningBot;

/** `slow: N <question>` takes N ms; `explode…` throws; `slow-explode: N` waits N ms, then throws. */
const failing = (real: Verbatim) =>
  wrapEngine(real, async (question, options, ask) => {
    const slow = /^slow(-explode)?: (\d+) (.*)$/.exec(question);
    if (slow) {
      await sleep(Number(slow[2]));
      if (slow[1]) throw new Error('the index went away');
      return ask(slow[3]!, options);
    }
    if (question.startsWith('explode')) throw new TypeError("Cannot read properties of undefined (reading 'vectors')");
    return ask(question, options);
  });

beforeAll(async () => {
  engine = await openTestEngine();
  // DEFER_AFTER_MS stays at its default (1000 ms): the tests check the real 3-second margin.
  run = await startBot({ engine: failing(engine) });
});
afterAll(async () => {
  await run?.stop();
  await engine?.close();
});
afterEach(() => {
  expect(run.discord.unhandled).toEqual([]);
});

const isEphemeral = (flags: number | undefined) => ((flags ?? 0) & MessageFlags.Ephemeral) === MessageFlags.Ephemeral;

describe('deadlines', () => {
  it('defers when the answer is not ready quickly, then edits in the answer', async () => {
    const reply = run.discord.sendSlashCommand({ name: 'ask', options: { question: 'slow: 1600 Why did Russia recognize the Taliban?' } });
    const first = await reply.firstResponse();
    expect(first.type).toBe(5); // "thinking…"
    expect(first.ms).toBeGreaterThan(900);
    expect(first.ms).toBeLessThan(1500); // well inside Discord's 3 s
    const message = await reply.finalMessage();
    expect(message.embeds[0]?.description).toMatch(/^\*\*Q:\*\* slow: 1600 Why did Russia recognize the Taliban\?\n\n> /);
    expect(reply.edits).toHaveLength(1);
    expect(isEphemeral(message.flags)).toBe(false);
  });

  it('a private question is deferred privately', async () => {
    const reply = run.discord.sendSlashCommand({ name: 'ask', options: { question: 'slow: 1200 What happens to journalists?', private: true } });
    expect((await reply.firstResponse()).type).toBe(5);
    const message = await reply.finalMessage();
    expect(isEphemeral(message.flags)).toBe(true);
    expect(message.embeds[0]?.description).toContain('Journalists');
  });
});

describe('failures', () => {
  it('answers the user privately with an error id that is in the log, and keeps serving others', async () => {
    const { discord, logs } = run;
    const broken = discord.sendSlashCommand({ name: 'ask', options: { question: 'explode please' } });
    const fine = discord.sendSlashCommand({ name: 'ask', options: { question: 'What happens to journalists?' }, user: 'owner' });
    const apology = await broken.finalMessage();
    expect(isEphemeral(apology.flags)).toBe(true);
    const errorId = /error id `([0-9a-f]{8})`/.exec(apology.content)?.[1];
    expect(errorId).toBeDefined();
    expect(apology.content).toMatch(/^Sorry, something went wrong on my side/);
    expect(apology.content).not.toMatch(/vectors|TypeError/); // no internals shown to users
    const logged = logs.lines.find((l) => l.errorId === errorId);
    expect(logged).toMatchObject({ level: 50, interaction: 'ask', userId: broken.payload.member?.user.id });
    expect(JSON.stringify(logged)).toContain("reading 'vectors'");

    expect((await fine.finalMessage()).embeds[0]?.description).toContain('Journalists');
    const next = await discord.sendSlashCommand({ name: 'ask', options: { question: 'Why did Russia recognize the Taliban?' } }).finalMessage();
    expect(next.embeds[0]?.footer?.text).toMatch(/passages 1–3$/);
  });

  it('a failure after a public defer removes the "thinking…" message and apologises privately', async () => {
    const { discord } = run;
    const reply = discord.sendSlashCommand({ name: 'ask', options: { question: 'slow-explode: 1100 anything' } });
    expect((await reply.firstResponse()).type).toBe(5);
    const apology = await reply.followUp(0, 4000);
    expect(apology.content).toMatch(/error id `[0-9a-f]{8}`/);
    expect(isEphemeral(apology.flags)).toBe(true);
    await sleep(50);
    expect(reply.original).toBeNull(); // the public placeholder is gone
  });

  it('a failing mention gets a reply with the error id; the next mention is answered', async () => {
    const { discord, logs } = run;
    const failed = await discord.sendMessage({ content: `${discord.botMention} explode now` });
    const errorId = /error id `([0-9a-f]{8})`/.exec(failed.reply?.content ?? '')?.[1];
    expect(logs.lines.some((l) => l.errorId === errorId && l.level === 50)).toBe(true);
    const ok = await discord.sendMessage({ content: `${discord.botMention} what happens to journalists?` });
    expect(ok.reply?.embeds[0]?.description).toContain('Journalists');
  });

  it('"More passages" failing is answered privately too', async () => {
    const { discord } = run;
    // A message whose question makes the engine fail on the second page only.
    const message = await discord.sendSlashCommand({ name: 'ask', options: { question: 'Why did Russia recognize the Taliban?' } }).finalMessage();
    const stored = discord.messages.find((m) => m.message.id === message.id)!;
    const more = (stored.message.components![0] as { components: { custom_id: string }[] }).components[0]!.custom_id;
    const original = run.deps.engine.ask;
    run.deps.engine.ask = async () => {
      throw new Error('disk gone');
    };
    try {
      const apology = await discord.clickButton({ customId: more, message }).finalMessage();
      expect(apology.content).toMatch(/error id `[0-9a-f]{8}`/);
      expect(isEphemeral(apology.flags)).toBe(true);
    } finally {
      run.deps.engine.ask = original;
    }
  });
});
