/**
 * The bot end to end: the real engine, the real discord.js Client from createBot, and the
 * fake Discord in test/fake-discord. Reads like what a member sees.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayIntentBits, MessageFlags, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { Verbatim } from '../../src/core/engine.js';
import { DEFAULT_CORPUS_DIR } from '../../src/core/paths.js';
import { foldWhitespace } from '../../src/core/answer/makePassage.js';
import { readQuestion } from '../../src/discord/format/answer.js';
import { unescapeMarkdown } from '../../src/discord/format/text.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import type { VisibleMessage } from '../fake-discord/index.js';
import { openTestEngine, startBot, TOKEN, type RunningBot } from './helpers.js';

const SEED_TEXT = fs.readFileSync(path.join(DEFAULT_CORPUS_DIR, 'russia-recognizes-taliban.txt'), 'utf8');
const QA_CHANNEL = '1100000000000000001';
const fakeWorld = {
  guilds: [
    {
      roles: [{ name: 'Students' }],
      channels: [{ name: 'general' }, { id: QA_CHANNEL, name: 'study-qa' }],
    },
  ],
};

let engine: Verbatim;
let storage: Storage;
let run: RunningBot;

beforeAll(async () => {
  engine = await openTestEngine();
  storage = openStorage(fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-bot-data-')), { purgeIntervalMs: 0 });
  run = await startBot({ engine, storage, fake: fakeWorld });
  // These tests ask many questions in a row as one member: no cooldown or cap here
  // (test/discord/studyGroups.test.ts tests them).
  storage.updateSettings(run.discord.guild.id, { cooldownSeconds: 0, dailyCap: null });
});
afterAll(async () => {
  await run?.stop();
  storage?.close();
  await engine?.close();
});
afterEach(() => {
  // The fake answers 404 to any route it does not model: the bot must not call one.
  expect(run.discord.unhandled).toEqual([]);
  expect(run.discord.gatewayProblems).toEqual([]);
});

// ------------------------------------------------------------------ helpers

function buttons(message: VisibleMessage): APIButtonComponent[] {
  return (message.components ?? []).flatMap((row) => ('components' in row ? (row.components as APIButtonComponent[]) : []));
}
function customIdOf(message: VisibleMessage, predicate: (b: APIButtonComponent) => boolean): string {
  const button = buttons(message).find(predicate);
  if (!button || !('custom_id' in button)) throw new Error('no such button');
  return button.custom_id;
}
const moreId = (m: VisibleMessage) => customIdOf(m, (b) => 'label' in b && b.label === 'More passages');
const voteId = (m: VisibleMessage, emoji: string) => customIdOf(m, (b) => 'emoji' in b && b.emoji?.name === emoji);

/** The quotes and citations of an answer embed, read back from its description. */
function quotesOf(embed: APIEmbed | undefined): Array<{ quote: string; citation: string }> {
  const blocks = (embed?.description ?? '').split('\n\n').slice(1);
  return blocks.map((block) => {
    const lines = block.split('\n');
    const quoteLines = lines.filter((l) => l.startsWith('> ') && !/^> \*.*\*$/.test(l)).map((l) => unescapeMarkdown(l.slice(2)));
    return { quote: quoteLines.join('\n'), citation: unescapeMarkdown(lines.at(-1)!.replace(/^— /, '')) };
  });
}

function withinLimits(message: VisibleMessage): void {
  expect(message.content.length).toBeLessThanOrEqual(2000);
  expect(message.embeds.length).toBeLessThanOrEqual(10);
  const total = message.embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0);
  expect(total).toBeLessThanOrEqual(6000);
  for (const e of message.embeds) expect(e.description?.length ?? 0).toBeLessThanOrEqual(4096);
}

function pingsNobody(message: VisibleMessage): void {
  expect(message.allowed_mentions?.parse).toEqual([]);
  expect(message.mentions).toEqual([]);
  expect(message.mention_roles).toEqual([]);
  expect(message.mention_everyone).toBe(false);
}

// ------------------------------------------------------------------ tests

describe('start-up', () => {
  it('logs in once the engine is loaded, with the commands registered in the guild', async () => {
    const { discord, logs } = run;
    expect(discord.commands.map((c) => c.name)).toEqual(['ask', 'sections', 'quote', 'summary', 'quiz', 'quiz-scores', 'forget-me', 'help', 'config', 'documents', 'report', 'reindex', 'forget-server']);
    expect(discord.commands.every((c) => c.guild_id === discord.guild.id)).toBe(true);
    const ask = discord.commands.find((c) => c.name === 'ask')!;
    expect(ask.options?.map((o) => [o.name, o.required ?? false])).toEqual([
      ['question', true],
      ['private', false],
      ['document', false],
    ]);
    const quote = discord.commands.find((c) => c.name === 'quote')!;
    expect(quote.options?.[0]).toMatchObject({ name: 'section', autocomplete: true });

    // Without QA_CHANNEL_IDS the privileged MessageContent intent is not requested.
    const identify = await discord.waitForIdentify();
    expect(identify.intents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages);
    expect(logs.lines.find((l) => l.event === 'ready')).toMatchObject({ guilds: 1, documents: 1 });
  });
});

describe('/ask', () => {
  it('answers with verbatim quotes, best first, each with its citation, the document in the footer', async () => {
    const question = 'Why did Russia recognize the Taliban?';
    const expected = await engine.ask(question);
    const reply = run.discord.sendSlashCommand({ name: 'ask', options: { question } });
    expect((await reply.firstResponse()).type).toBe(4); // answered at once, no defer needed
    const message = await reply.finalMessage();

    expect((message.flags ?? 0) & MessageFlags.Ephemeral).toBe(0);
    const [embed] = message.embeds;
    expect(readQuestion(embed)).toBe(question);
    const quotes = quotesOf(embed);
    expect(quotes).toEqual(expected.passages.map((p) => ({ quote: p.quote, citation: `§${p.section.number} ${p.section.title}, ¶${p.paragraph}` })));
    for (const { quote } of quotes) expect(foldWhitespace(SEED_TEXT)).toContain(quote);
    expect(embed?.footer?.text).toBe('Russia Becomes the First Country to Recognize the Taliban Government · passages 1–3');
    expect(buttons(message).map((b) => ('label' in b && b.label) || ('emoji' in b && b.emoji?.name))).toEqual(['More passages', '👍', '👎', 'Show 1 in context', 'Show 2 in context', 'Show 3 in context']);
    withinLimits(message);
    pingsNobody(message);
  });

  it('private:true answers ephemerally', async () => {
    const reply = run.discord.sendSlashCommand({ name: 'ask', options: { question: 'What happens to journalists?', private: true } });
    const message = await reply.finalMessage();
    expect((message.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(quotesOf(message.embeds[0]).length).toBeGreaterThan(0);
  });

  it('says so when the document does not answer, naming the closest sections', async () => {
    const message = await run.discord.sendSlashCommand({ name: 'ask', options: { question: 'What is the best recipe for chocolate cake?' } }).finalMessage();
    const description = message.embeds[0]?.description ?? '';
    expect(description).toContain("The document doesn't seem to answer that.");
    expect(description).toMatch(/Closest sections: §\d+ /);
    expect(buttons(message).map((b) => ('emoji' in b ? b.emoji?.name : 'label' in b ? b.label : ''))).toEqual(['👍', '👎']);
  });

  it('logs one line per question (where, who, latency, outcome, cited sections) and never the token', async () => {
    const { discord, logs } = run;
    const reply = discord.sendSlashCommand({ name: 'ask', options: { question: 'Which groups are vulnerable to persecution?' } });
    await reply.finalMessage();
    const line = logs.lines.filter((l) => l.event === 'question').at(-1)!;
    expect(line).toMatchObject({
      source: 'slash',
      guildId: discord.guild.id,
      channelId: reply.payload.channel?.id,
      userId: reply.payload.member?.user.id,
      answered: true,
      msg: 'answered',
    });
    expect(line.ms).toBeTypeOf('number');
    expect((line.sections as string[]).length).toBeGreaterThan(0);
    expect(logs.text()).not.toContain(TOKEN);
  });

  it('records the question in storage', async () => {
    const report = storage.buildReport(run.discord.guild.id);
    expect(report.total).toBeGreaterThanOrEqual(3);
    expect(report.refused).toBeGreaterThanOrEqual(1);
  });
});

describe('/sections, /quote, /help', () => {
  it('/sections lists the table of contents', async () => {
    const message = await run.discord.sendSlashCommand({ name: 'sections' }).finalMessage();
    const lines = unescapeMarkdown(message.embeds[0]?.description ?? '').split('\n');
    expect(lines).toEqual(engine.sections().map((s) => `§${s.number} ${s.title}`));
  });

  it('autocompletes section titles', async () => {
    const { discord } = run;
    const all = await discord.sendAutocomplete({ name: 'quote', options: { section: '' } });
    expect(all.map((c) => c.name)).toEqual(engine.sections().map((s) => `§${s.number} ${s.title}`));
    const human = await discord.sendAutocomplete({ name: 'quote', options: { section: 'human rights' } });
    expect(human).toEqual([{ name: '§3 Human Rights Concerns Amidst Russia’s Diplomatic Move', value: '0:3' }]);
  });

  it('/quote gives the exact text of a section, and of one paragraph', async () => {
    const { discord } = run;
    const documentId = engine.documents()[0]!.id;
    const section = await discord.sendSlashCommand({ name: 'quote', options: { section: '0:3' } }).finalMessage();
    expect(section.embeds[0]?.title).toBe('§3 Human Rights Concerns Amidst Russia’s Diplomatic Move');
    // Each paragraph of a whole section carries its ¶ number, so citations can be matched.
    expect(unescapeMarkdown(section.embeds[0]?.description ?? '')).toBe(engine.sectionText(documentId, 3).map((p) => `**¶${p.paragraph}** ${p.quote}`).join('\n\n'));

    const paragraph = await discord.sendSlashCommand({ name: 'quote', options: { section: 'Human Rights', paragraph: 4 } }).finalMessage();
    expect(paragraph.embeds[0]?.title).toBe('§3 Human Rights Concerns Amidst Russia’s Diplomatic Move, ¶4');
    expect(unescapeMarkdown(paragraph.embeds[0]?.description ?? '')).toBe(engine.sectionText(documentId, 3, 4)[0]!.quote);
    expect(SEED_TEXT).toContain(engine.sectionText(documentId, 3, 4)[0]!.quote);
  });

  it('/quote explains privately when the section or paragraph does not exist', async () => {
    const { discord } = run;
    const unknown = await discord.sendSlashCommand({ name: 'quote', options: { section: 'penguins' } }).finalMessage();
    expect(unknown.content).toMatch(/No section matches that/);
    expect((unknown.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    const paragraph = await discord.sendSlashCommand({ name: 'quote', options: { section: '0:3', paragraph: 99 } }).finalMessage();
    expect(paragraph.content).toBe('Section 3 has no paragraph 99 (it has 6).');
    expect((paragraph.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  });

  it('/help explains the bot and its commands, privately', async () => {
    const message = await run.discord.sendSlashCommand({ name: 'help' }).finalMessage();
    expect((message.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    const description = message.embeds[0]?.description ?? '';
    for (const command of ['/ask', '/sections', '/quote', '/help']) expect(description).toContain(command);
    expect(description).toMatch(/word for word/);
    // Members are told what is kept about their questions, and for how long.
    expect(description).toMatch(/private ones too, are kept 30 days for this server’s moderators/);
  });
});

describe('questions in channels', () => {
  it('answers a mention with a reply to it; the mention is not part of the question', async () => {
    const { discord } = run;
    const exchange = await discord.sendMessage({ content: `${discord.botMention} what happens to journalists?` });
    const reply = exchange.reply!;
    expect(reply.message_reference?.message_id).toBe(exchange.message.id);
    expect(readQuestion(reply.embeds[0])).toBe('what happens to journalists?');
    const direct = await engine.ask('what happens to journalists?');
    expect(quotesOf(reply.embeds[0]).map((q) => q.quote)).toEqual(direct.passages.map((p) => p.quote));
    expect(reply.allowed_mentions).toEqual({ parse: [], replied_user: false });
    pingsNobody(reply);
    expect(buttons(reply).length).toBe(3 + reply.embeds.length * 3); // More, 👍, 👎, and "in context" per passage
  });

  it('ignores messages that do not mention it outside Q&A channels', async () => {
    const exchange = await run.discord.sendMessage({ content: 'why did Russia recognize the Taliban?', timeoutMs: 150 });
    expect(exchange.delivered?.content).toBe(''); // no MessageContent intent: Discord blanks it
    expect(exchange.reply).toBeNull();
  });

  it('a bare mention gets a hint instead of an answer', async () => {
    const exchange = await run.discord.sendMessage({ content: run.discord.botMention });
    expect(exchange.reply?.content).toMatch(/Ask me a question/);
  });
});

describe('hostile input', () => {
  const hostile = `@everyone @here <@&ROLE> <@USER> **bold** __under__ ||spoiler|| [link](https://example.com) \`\`\`js\nprocess.exit()\n\`\`\` # heading\n> quote\nWhy did Russia recognize the Taliban?`;
  const fill = (discord: RunningBot['discord']) =>
    hostile.replace('ROLE', discord.guild.role('Students').id).replace('USER', discord.guild.findMember('owner')!.user.id);

  it('/ask: a question full of mentions and markdown gets a clean answer that pings nobody', async () => {
    const { discord } = run;
    const question = fill(discord);
    const message = await discord.sendSlashCommand({ name: 'ask', options: { question } }).finalMessage();
    pingsNobody(message);
    withinLimits(message);
    const firstLine = message.embeds[0]!.description!.split('\n')[0]!;
    expect(firstLine).not.toMatch(/(^|[^\\])```/); // code fences escaped
    expect(firstLine).toContain('\\@everyone');
    expect(firstLine).toContain('\\<\\@&');
    expect(readQuestion(message.embeds[0])).toBe(foldWhitespace(question));
    expect(quotesOf(message.embeds[0]).length).toBeGreaterThan(0);
  });

  it('a 5,000-character question is refused privately, without repeating it', async () => {
    const { discord } = run;
    const long = `${fill(discord)} ${'@everyone ```x``` '.repeat(300)}`.slice(0, 5000);
    const message = await discord.sendSlashCommand({ name: 'ask', options: { question: long } }).finalMessage();
    expect(message.content).toBe('Your question is 5,000 characters long; I accept up to 500. Please ask something shorter.');
    expect((message.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    pingsNobody(message);

    const exchange = await discord.sendMessage({ content: `${discord.botMention} ${long}`, user: 'owner' });
    expect(exchange.reply?.content).toMatch(/^Your question is 5,0\d\d characters long/);
    pingsNobody(exchange.reply!);
  });

  it('a mention with @everyone (by a member allowed to use it) is answered without pinging anyone', async () => {
    const { discord } = run;
    const exchange = await discord.sendMessage({ content: `${discord.botMention} ${fill(discord)}`, user: 'owner' });
    pingsNobody(exchange.reply!);
    expect(readQuestion(exchange.reply!.embeds[0])).toBe(foldWhitespace(fill(discord)));
  });
});

describe('answer buttons', () => {
  it('"More passages" pages through the next results privately, until there are no more', async () => {
    const { discord } = run;
    const question = 'What should global stakeholders prioritize?';
    let message = await discord.sendSlashCommand({ name: 'ask', options: { question } }).finalMessage();
    const seen = quotesOf(message.embeds[0]).map((q) => q.quote);
    for (let page = 1; page < 20; page++) {
      const more = discord.clickButton({ customId: moreId(message), message, user: 'owner' });
      const next = await more.finalMessage();
      expect((next.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
      if (next.embeds[0]?.description?.includes('No more passages for this question.')) {
        expect((await engine.ask(question, { top: 3, offset: seen.length })).passages).toEqual([]);
        break;
      }
      const quotes = quotesOf(next.embeds[0]).map((q) => q.quote);
      // Each page continues where the last stopped: the same as asking the engine with an offset.
      const expected = await engine.ask(question, { top: 3, offset: seen.length });
      expect(quotes).toEqual(expected.passages.map((p) => p.quote));
      expect(next.embeds[0]?.footer?.text).toMatch(new RegExp(`passages? ${seen.length + 1}`));
      seen.push(...quotes);
      if (!buttons(next).some((b) => 'label' in b && b.label === 'More passages')) break;
      message = next;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(3);
  });

  it('👍 / 👎 are acknowledged privately, logged and recorded', async () => {
    const { discord, logs } = run;
    const message = await discord.sendSlashCommand({ name: 'ask', options: { question: 'How could recognition change international aid?' } }).finalMessage();
    const up = await discord.clickButton({ customId: voteId(message, '👍'), message }).finalMessage();
    expect(up.content).toMatch(/Thanks/);
    expect((up.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    const down = await discord.clickButton({ customId: voteId(message, '👎'), message, user: 'owner' }).finalMessage();
    expect(down.content).toMatch(/noted/);
    const votes = logs.lines.filter((l) => l.event === 'feedback').map((l) => [l.vote, l.recorded]);
    expect(votes.slice(-2)).toEqual([
      ['up', true],
      ['down', true],
    ]);
    expect(storage.buildReport(discord.guild.id).feedback).toMatchObject({ up: 1, down: 1 });
  });

  it('say politely when expired: an unknown version, or a message whose question was changed', async () => {
    const { discord } = run;
    const message = await discord.sendSlashCommand({ name: 'ask', options: { question: 'What happens to journalists?' } }).finalMessage();
    const stored = discord.messages.find((m) => m.message.id === message.id)!;
    // An edited message: the shown question no longer matches the button's hash.
    stored.message.embeds[0]!.description = stored.message.embeds[0]!.description!.replace('journalists', 'ministers');
    const edited = await discord.clickButton({ customId: moreId(message), message }).finalMessage();
    expect(edited.content).toBe('This button has expired. Please ask again with /ask.');
    expect((edited.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    // A button from an older format.
    const button = (stored.message.components![0] as { components: { custom_id: string }[] }).components[0]!;
    button.custom_id = 'v0:more:3';
    const old = await discord.clickButton({ customId: 'v0:more:3', message }).finalMessage();
    expect(old.content).toBe('This button has expired. Please ask again with /ask.');
  });

  it('keep working after a restart (their state is in custom_id and the message)', async () => {
    const { discord } = run;
    const message = await discord.sendSlashCommand({ name: 'ask', options: { question: 'Why did Russia recognize the Taliban?' } }).finalMessage();
    await run.restart();
    const more = await discord.clickButton({ customId: moreId(message), message }).finalMessage();
    expect(more.embeds[0]?.footer?.text).toMatch(/passages 4–6$/);
    const vote = await discord.clickButton({ customId: voteId(message, '👍'), message }).finalMessage();
    expect(vote.content).toMatch(/Thanks/);
  });
});

describe('gateway', () => {
  it('resumes after op 7 (Reconnect) and keeps answering', async () => {
    const { discord, logs } = run;
    const sessionId = discord.sessions.at(-1)?.id;
    const resumed = await discord.reconnect();
    expect(resumed.ms).toBeLessThan(3000);
    const resume = discord.gatewayPayloads.filter((p) => p.op === 6).at(-1);
    expect(resume?.d).toMatchObject({ session_id: sessionId });
    const message = await discord.sendSlashCommand({ name: 'ask', options: { question: 'Why did Russia recognize the Taliban?' } }).finalMessage();
    expect(quotesOf(message.embeds[0]).length).toBe(3);
    expect(logs.lines.some((l) => l.msg === 'gateway resumed')).toBe(true);
  });
});

describe('Q&A channels (QA_CHANNEL_IDS)', () => {
  let qa: RunningBot;
  beforeAll(async () => {
    qa = await startBot({ engine, env: { QA_CHANNEL_IDS: QA_CHANNEL }, fake: fakeWorld });
  });
  afterAll(async () => {
    await qa?.stop();
  });

  it('requests the MessageContent intent and answers every message that reads as a question there', async () => {
    const { discord } = qa;
    const identify = await discord.waitForIdentify();
    expect(identify.intents & GatewayIntentBits.MessageContent).toBe(GatewayIntentBits.MessageContent);

    const question = await discord.sendMessage({ channelId: 'study-qa', content: 'What happens to journalists?' });
    expect(readQuestion(question.reply?.embeds[0])).toBe('What happens to journalists?');
    expect(question.reply?.message_reference?.message_id).toBe(question.message.id);

    const chatter = await discord.sendMessage({ channelId: 'study-qa', content: 'thanks everyone, see you tomorrow', timeoutMs: 150 });
    expect(chatter.reply).toBeNull();
    const elsewhere = await discord.sendMessage({ channelId: 'general', content: 'What happens to journalists?', timeoutMs: 150 });
    expect(elsewhere.reply).toBeNull();
    expect(qa.logs.lines.filter((l) => l.event === 'question').map((l) => l.source)).toEqual(['qa-channel']);
    expect(discord.unhandled).toEqual([]);
  });
});
