/**
 * Every way of asking counts against the cooldown and the daily cap: /ask, a mention, a
 * forum post, and direct messages (which have their own limit, the default one).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelType, PermissionFlagsBits, REST } from 'discord.js';
import { Verbatim } from '../../src/core/engine.js';
import { deployCommands } from '../../src/discord/deployCommands.js';
import { startBot, TOKEN, type RunningBot } from './helpers.js';
import { cleanUpAfterAll } from './cleanUp.js';

const FORUM = '1400000000000000001';
const world = {
  guilds: [
    {
      roles: [{ name: 'Mod', permissions: PermissionFlagsBits.ManageGuild }],
      channels: [{ name: 'general' }, { id: FORUM, name: 'questions', type: ChannelType.GuildForum as const }],
      members: [{ user: { username: 'owner' } }, { user: { username: 'tester' } }, { user: { username: 'carol' } }, { user: { username: 'mod' }, roles: ['Mod'] }],
      botPermissions: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.SendMessagesInThreads | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.ReadMessageHistory,
    },
  ],
};

let engine: Verbatim;
let run: RunningBot;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-rate-limits-'));

beforeAll(async () => {
  fs.mkdirSync(path.join(root, 'corpus'));
  fs.copyFileSync(new URL('../fixtures/followUp/disasters.md', import.meta.url), path.join(root, 'corpus', 'disasters.md'));
  engine = await Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index') });
  run = await startBot({ engine, dataDir: path.join(root, 'data'), fake: world });
  // Direct messages see the global commands.
  await deployCommands({ rest: new REST({ api: run.discord.apiUrl, retries: 0, timeout: 2000 }).setToken(TOKEN) });
});
cleanUpAfterAll(() => ({ run, engine }), root);
afterEach(() => {
  expect(run.discord.unhandled).toEqual([]);
});

const CAPPED = /^You've reached today's limit of questions in this server\./;

describe('in a server with a daily cap of 1', () => {
  beforeAll(async () => {
    await run.discord.sendSlashCommand({ name: 'config', user: 'mod', subcommand: 'daily-cap', options: { questions: 1 } }).finalMessage();
  });

  it('a forum post counts, and once capped a post is told so in the post', async () => {
    const first = await run.discord.createForumPost({ channelId: FORUM, title: 'What did the volcano in Washington State do?', content: '', user: 'carol' });
    expect((await run.discord.waitForMessage((m) => m.channel_id === first.thread.id, 5000)).embeds).toHaveLength(1);
    const second = await run.discord.createForumPost({ channelId: FORUM, title: 'Which rivers burst their levees?', content: '', user: 'carol' });
    const capped = (await run.discord.waitForMessage((m) => m.channel_id === second.thread.id, 5000)).content;
    expect(capped).toMatch(CAPPED);
    expect(capped).toMatch(/Then mention me in this post to ask again\.$/);
    // The post counted for /ask too.
    expect((await run.discord.sendSlashCommand({ name: 'ask', user: 'carol', options: { question: 'Which rivers burst their levees?' } }).finalMessage()).content).toMatch(CAPPED);
  });

  it('a mention is capped too', async () => {
    const { reply } = await run.discord.sendMessage({ content: `${run.discord.botMention} which rivers burst their levees?`, user: 'carol' });
    expect(reply?.content).toMatch(CAPPED);
  });

  it('moderators are exempt in forum posts as everywhere', async () => {
    for (const title of ['What did the volcano do?', 'Which rivers burst their levees?']) {
      const { thread } = await run.discord.createForumPost({ channelId: FORUM, title, content: '', user: 'mod' });
      expect((await run.discord.waitForMessage((m) => m.channel_id === thread.id, 5000)).embeds).toHaveLength(1);
    }
  });
});

describe('in direct messages', () => {
  it('the default cooldown applies', async () => {
    const ask = () => run.discord.sendSlashCommand({ name: 'ask', user: 'tester', guildId: null, options: { question: 'What did the volcano do?' } }).finalMessage();
    expect((await ask()).embeds).toHaveLength(1);
    expect((await ask()).content).toMatch(/^You're asking quickly: try again in \d+ s/);
  });

  it('the default daily cap applies, counted apart from any server', async () => {
    const storage = run.deps.storage!;
    const carol = run.discord.guild.findMember('carol')!.user.id;
    const cap = storage.defaultSettings.dailyCap!;
    // Capped in the server (above), carol is still answered in DMs: a scope of its own.
    const answered = await run.discord.sendSlashCommand({ name: 'ask', user: 'carol', guildId: null, options: { question: 'What did the volcano do?' } }).finalMessage();
    expect(answered.embeds).toHaveLength(1);
    for (let i = 1; i < cap; i++) storage.recordAsk('dm', carol);
    // Then capped in DMs too, with its own message (the cap is checked before the cooldown).
    const dm = await run.discord.sendSlashCommand({ name: 'ask', user: 'carol', guildId: null, options: { question: 'What did the volcano do?' } }).finalMessage();
    expect(dm.content).toMatch(/^You've reached today's limit of questions in direct messages\./);
  });
});
