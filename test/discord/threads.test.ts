/**
 * Conversations in threads, end to end: a forum post is answered in the post; follow-ups in
 * a thread are answered with its first question as context; "more" continues; with
 * `/config threads` on, each question gets its own thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelType, PermissionFlagsBits, type APIButtonComponent } from 'discord.js';
import { Verbatim } from '../../src/core/engine.js';
import { readQuestion } from '../../src/discord/format/answer.js';
import type { VisibleMessage } from '../fake-discord/index.js';
import { startBot, type RunningBot } from './helpers.js';
import { cleanUpAfterAll } from './cleanUp.js';

const FORUM = '1400000000000000001';
const world = {
  guilds: [
    {
      roles: [{ name: 'Mod', permissions: PermissionFlagsBits.ManageGuild }],
      channels: [{ name: 'general' }, { id: FORUM, name: 'questions', type: ChannelType.GuildForum as const }],
      members: [{ user: { username: 'owner' } }, { user: { username: 'tester' } }, { user: { username: 'mod' }, roles: ['Mod'] }],
      botPermissions: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.SendMessagesInThreads | PermissionFlagsBits.CreatePublicThreads | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.ReadMessageHistory,
    },
  ],
};

const disasters = fs.readFileSync(new URL('../fixtures/followUp/disasters.md', import.meta.url), 'utf8');

let engine: Verbatim;
let run: RunningBot;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-threads-'));

beforeAll(async () => {
  fs.mkdirSync(path.join(root, 'corpus'));
  fs.writeFileSync(path.join(root, 'corpus', 'disasters.md'), disasters);
  engine = await Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index') });
  run = await startBot({ engine, dataDir: path.join(root, 'data'), fake: world });
  await run.discord.sendSlashCommand({ name: 'config', user: 'mod', subcommand: 'cooldown', options: { seconds: 0 } }).finalMessage();
});
cleanUpAfterAll(() => ({ run, engine }), root);
afterEach(() => {
  expect(run.discord.unhandled).toEqual([]);
  expect(run.discord.gatewayProblems).toEqual([]);
});

const quotes = (m: VisibleMessage) => (m.embeds[0]?.description ?? '').split('\n').filter((l) => l.startsWith('> ')).map((l) => l.slice(2));

describe('forum posts', () => {
  let threadId: string;
  let followUp: VisibleMessage;

  it('answers a new post in the post, with its title and body as the question', async () => {
    const { thread } = await run.discord.createForumPost({ channelId: FORUM, title: 'What did the volcano in Washington State do?', content: 'Did it destroy forests?', user: 'tester' });
    threadId = thread.id;
    const answer = await run.discord.waitForMessage((m) => m.channel_id === thread.id, 5000);
    expect(readQuestion(answer.embeds[0])).toBe('What did the volcano in Washington State do? Did it destroy forests?');
    expect(quotes(answer)[0]).toContain('blew its north flank apart');
  });

  it('answers a follow-up in the post with the first question as context', async () => {
    const { reply } = await run.discord.sendMessage({ content: `${run.discord.botMention} When did it happen?`, channelId: threadId, timeoutMs: 5000 });
    expect(readQuestion(reply!.embeds[0])).toBe('When did it happen?');
    expect(quotes(reply!)[0]).toBe('It happened on May 18, 1980, after two months of small earthquakes.');
    followUp = reply!;
  });

  it('"more" continues the last question without repeating a quote', async () => {
    const { reply } = await run.discord.sendMessage({ content: `${run.discord.botMention} more`, channelId: threadId, timeoutMs: 5000 });
    expect(readQuestion(reply!.embeds[0])).toBe('When did it happen?');
    expect(reply!.embeds[0]?.footer?.text).toMatch(new RegExp(`passages? ${quotes(followUp).length + 1}\\b|No more`));
    for (const q of quotes(reply!)) expect(quotes(followUp)).not.toContain(q);
  });
});

describe('a thread per question', () => {
  it('with /config threads on, /ask starts a thread on the answer, and follow-ups there use its question', async () => {
    const saved = await run.discord.sendSlashCommand({ name: 'config', user: 'mod', subcommand: 'threads', options: { enabled: true } }).finalMessage();
    expect(saved.content).toContain('Each question gets its own thread');
    await run.discord.sendSlashCommand({ name: 'ask', options: { question: 'Which rivers burst their levees?' } }).finalMessage();
    const thread = await waitFor(() => run.discord.guild.threads.find((t) => t.name === 'Which rivers burst their levees?'));
    expect(thread.owner_id).toBe(run.discord.botUser.id);
    const followUp = await run.discord.sendSlashCommand({ name: 'ask', channelId: thread.id, options: { question: 'When did it happen?' } }).finalMessage();
    expect(quotes(followUp)[0]).toBe('It happened over the summer of 1993, after months of heavy rain.');

    // More passages on the follow-up continues it, with the same context: nothing repeats.
    const more = (followUp.components ?? []).flatMap((row) => ('components' in row ? (row.components as APIButtonComponent[]) : [])).find((b) => 'label' in b && b.label === 'More passages');
    expect(quotes(followUp)).toHaveLength(3);
    if (!more || !('custom_id' in more)) throw new Error('no More passages button under three passages');
    const next = await run.discord.clickButton({ customId: more.custom_id, message: followUp }).finalMessage();
    expect(readQuestion(next.embeds[0])).toBe('When did it happen?');
    expect(quotes(next).length).toBeGreaterThan(0);
    for (const q of quotes(next)) expect(quotes(followUp)).not.toContain(q);
  });

  it('a mention gets a thread on the member’s message, with the answer inside', async () => {
    const { message } = await run.discord.sendMessage({ content: `${run.discord.botMention} What did the volcano in Washington State do?`, timeoutMs: 50 }); // the answer goes to the new thread, not the channel
    const answer = await run.discord.waitForMessage((m) => m.channel_id === message.id, 5000);
    expect(run.discord.guild.threads.find((t) => t.id === message.id)?.name).toBe('What did the volcano in Washington State do?');
    expect(quotes(answer)[0]).toContain('north flank');
  });
});

async function waitFor<T>(find: () => T | undefined, attempts = 100): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('not found in time');
}

describe('without Message Content', () => {
  it('a forum post is asked by its title alone when the bot may not read its text', async () => {
    const other = await startBot({ engine, fake: { ...world, privilegedIntents: 0 } });
    try {
      const { thread } = await other.discord.createForumPost({ channelId: FORUM, title: 'Which rivers burst their levees?', content: 'Asking for my homework.', user: 'tester' });
      const answer = await other.discord.waitForMessage((m) => m.channel_id === thread.id, 5000);
      expect(readQuestion(answer.embeds[0])).toBe('Which rivers burst their levees?');
      expect(quotes(answer)[0]).toContain('Mississippi and Missouri');
      expect(other.discord.unhandled).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});

describe('answer channels', () => {
  it('a forum can be an answer channel: its posts are answered, other channels are not', async () => {
    const saved = await run.discord.sendSlashCommand({ name: 'config', user: 'mod', subcommand: 'channels', options: { add: FORUM } }).finalMessage();
    expect(saved.content).toBe(`Saved. I answer in <#${FORUM}>.`);
    try {
      const { thread } = await run.discord.createForumPost({ channelId: FORUM, title: 'What did the volcano in Washington State do?', content: '', user: 'tester' });
      const answer = await run.discord.waitForMessage((m) => m.channel_id === thread.id, 5000);
      expect(readQuestion(answer.embeds[0])).toBe('What did the volcano in Washington State do?');
      const elsewhere = await run.discord.sendSlashCommand({ name: 'ask', options: { question: 'What did the volcano do?' } }).finalMessage();
      expect(elsewhere.content).toBe(`I don't answer in this channel. Ask me in <#${FORUM}>.`);
    } finally {
      await run.discord.sendSlashCommand({ name: 'config', user: 'mod', subcommand: 'channels', options: { all: true } }).finalMessage();
    }
  });
});
