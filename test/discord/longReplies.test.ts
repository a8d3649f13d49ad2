/**
 * Replies whose lists a server (or the operator's corpus) can make longer than Discord
 * allows: many answer channels, a channel bound to many long-named documents, /help with a
 * hundred documents. They list what fits and say how many more, within Discord's limits
 * (which the fake enforces: 2,000 characters of content, 4,096 of embed description).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Verbatim } from '../../src/core/engine.js';
import { DocumentLibrary } from '../../src/core/library/documentLibrary.js';
import { joinWithin } from '../../src/discord/format/text.js';
import { openTestEngine, sleep, startBot, type RunningBot } from './helpers.js';
import { cleanUpAfterAll } from './cleanUp.js';

const world = { guilds: [{ channels: [{ name: 'general' }, { name: 'extra' }], members: [{ user: { username: 'owner' } }, { user: { username: 'tester' } }] }] };

let engine: Verbatim;
let run: RunningBot;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-long-replies-'));
const channel = (name: string) => run.discord.guild.findChannel(name)!.id;

beforeAll(async () => {
  engine = await openTestEngine();
  const library = () => new DocumentLibrary({ root: path.join(dataDir, 'documents'), embedder: engine.embedder, maxFileBytes: 64 * 1024, maxDocumentsPerGroup: 5, maxLoaded: 50 });
  run = await startBot({ engine, dataDir, library, fake: world });
});
cleanUpAfterAll(() => ({ run, engine }), dataDir);
afterEach(() => {
  expect(run.discord.failed).toEqual([]);
});

describe('joinWithin', () => {
  it('joins what fits and counts the rest, never cutting an item', () => {
    expect(joinWithin(['a', 'b', 'c'], 100)).toBe('a, b, c');
    expect(joinWithin(['alpha', 'beta', 'gamma', 'delta'], 20)).toBe('alpha and 3 more');
    expect(joinWithin(['alpha', 'beta', 'gamma', 'delta'], 21)).toBe('alpha and 3 more');
    expect(joinWithin(['alpha', 'beta', 'gamma', 'delta'], 22)).toBe('alpha, beta and 2 more');
    expect(joinWithin(['a very long item'], 5)).toBe('1 more');
    // The whole list, when it fits, even where a shorter start would not fit with "and K more".
    expect(joinWithin(['alpha', 'beta', 'c'], 14)).toBe('alpha, beta, c');
    expect(joinWithin(['a', 'b'], 4)).toBe('a, b');
    const many = Array.from({ length: 500 }, (_, i) => `<#14000000000000${10000 + i}>`);
    expect(joinWithin(many, 1800).length).toBeLessThanOrEqual(1800);
    expect(joinWithin(many, 1800)).toMatch(/ and \d+ more$/);
  });
});

describe('/config', () => {
  it('with 90 answer channels, adding one more says which (the first that fit) and how many more', async () => {
    const others = Array.from({ length: 90 }, (_, i) => `14000000000000${10000 + i}`);
    run.deps.storage!.updateSettings(run.discord.guild.id, { answerChannels: [channel('general'), ...others] });
    const saved = await run.discord.sendSlashCommand({ name: 'config', user: 'owner', subcommand: 'channels', options: { add: channel('extra') } }).finalMessage();
    expect(saved.content).toMatch(/^Saved\. I answer in <#\d+>, <#\d+>, .* and \d+ more\.$/);
    expect(saved.content.length).toBeLessThanOrEqual(2000);
    expect(run.deps.storage!.getSettings(run.discord.guild.id).answerChannels).toHaveLength(92);
    // The settings embed lists what fits too.
    expect(saved.embeds[0]?.fields?.[0]?.value).toMatch(/ and \d+ more$/);
    run.deps.storage!.updateSettings(run.discord.guild.id, { answerChannels: [] });
  });

  it('binding a channel to one more of many long-named documents fits in one message', async () => {
    const file = run.discord.uploadAttachment({ filename: 'glaciers.md', data: '# Glaciers\n\nGlaciers carve U-shaped valleys.\n', channelId: channel('general') });
    const add = run.discord.sendSlashCommand({ name: 'documents', user: 'owner', subcommand: 'add', options: { file: file.id } });
    for (let i = 0; i < 200 && !/is ready|Not added/.test(add.original?.content ?? ''); i++) await sleep(50);
    expect(add.original?.content).toMatch(/is ready/);
    const long = Array.from({ length: 24 }, (_, i) => `${'a-rather-long-document-name-'.repeat(4)}${i}.md`);
    run.deps.storage!.updateSettings(run.discord.guild.id, { channelDocuments: { [channel('extra')]: long } });
    const saved = await run.discord.sendSlashCommand({ name: 'config', user: 'owner', subcommand: 'documents', options: { channel: channel('extra'), document: 'glaciers.md' } }).finalMessage();
    expect(saved.content).toMatch(/^Saved\. <#\d+> answers from “.*” and \d+ more only\.$/);
    expect(saved.content.length).toBeLessThanOrEqual(2000);
    expect(run.deps.storage!.getSettings(run.discord.guild.id).channelDocuments[channel('extra')]).toHaveLength(25);
  });
});

describe('/help', () => {
  it('with 129 documents names those that fit in the embed and how many more', async () => {
    const real = run.deps.engine.documents()[0]!;
    const many = Array.from({ length: 129 }, (_, i) => ({ ...real, id: `doc${i}.md`, title: `Node.js module number ${i}` }));
    const documents = run.deps.engine.documents;
    run.deps.engine.documents = () => many;
    try {
      const help = await run.discord.sendSlashCommand({ name: 'help', user: 'tester' }).finalMessage();
      const description = help.embeds[0]?.description ?? '';
      // 129, and the server's own document uploaded above.
      expect(description).toMatch(/^I answer questions about 130 documents: “.*”, .* and \d+ more by \*\*quoting it word for word\*\*/);
      expect(description.length).toBeLessThanOrEqual(4096);
    } finally {
      run.deps.engine.documents = documents;
    }
  });
});
