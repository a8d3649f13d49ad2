/**
 * Every document can be picked with autocomplete, whose values Discord limits to 100
 * characters: a document stored with a longer name (before names were capped) is removed,
 * asked alone and bound to a channel through its autocomplete value. The real bot, engine
 * and library against the fake Discord.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord.js';
import type { Verbatim } from '../../src/core/engine.js';
import { DocumentLibrary } from '../../src/core/library/documentLibrary.js';
import { choiceValue, chosenDocument } from '../../src/discord/documentChoice.js';
import type { VisibleMessage } from '../fake-discord/index.js';
import { openTestEngine, startBot, type RunningBot } from './helpers.js';
import { cleanUpAfterAll } from './cleanUp.js';

const READING = '1300000000000000002';
const world = {
  guilds: [
    {
      name: 'Geography study group',
      roles: [{ name: 'Mod', permissions: PermissionFlagsBits.ManageGuild }],
      channels: [{ name: 'general' }, { id: READING, name: 'reading' }],
      members: [{ user: { username: 'owner' } }, { user: { username: 'mod' }, roles: ['Mod'] }],
    },
  ],
};
const rivers = '# Rivers\n\nRivers carry sediment to the sea and build deltas at their mouths.\n';
// 110 characters, as documents could be named before names were capped at 100.
const longName = `${'Rivers and deltas of the world, '.repeat(2)}chapter 12 notes.md`.padStart(110, 'x');

let engine: Verbatim & { corpusDir: string };
let run: RunningBot;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-document-choice-'));

beforeAll(async () => {
  engine = await openTestEngine();
  const library = () => new DocumentLibrary({ root: path.join(dataDir, 'documents'), embedder: engine.embedder, maxFileBytes: 64 * 1024, maxDocumentsPerGroup: 5, maxLoaded: 50 });
  run = await startBot({ engine, dataDir, library, fake: world });
  await command('config', { user: 'owner', subcommand: 'cooldown', options: { seconds: 0 } }).finalMessage();
  // A document kept under a name longer than 100 characters: as a library of an earlier version left it.
  const guildId = run.discord.guilds[0]!.id;
  const { document, indexed } = await run.deps.library!.add(guildId, { name: 'rivers.md', bytes: Buffer.from(rivers) });
  await indexed;
  const folder = path.join(dataDir, 'documents', guildId);
  await run.restart({
    whileStopped: () => {
      fs.renameSync(path.join(folder, document.key, 'files', 'rivers.md'), path.join(folder, document.key, 'files', longName));
      const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'documents.json'), 'utf8')) as { documents: Array<{ id: string }> };
      manifest.documents[0]!.id = longName;
      fs.writeFileSync(path.join(folder, 'documents.json'), JSON.stringify(manifest));
    },
  });
}, 60_000);
cleanUpAfterAll(() => ({ run, engine }), dataDir);

function command(name: string, { user = 'mod', channel = 'general', options, subcommand }: { user?: string; channel?: string; options?: Record<string, string | number | boolean>; subcommand?: string }) {
  const guild = run.discord.guilds[0]!;
  return run.discord.sendSlashCommand({ name, user, guildId: guild.id, channelId: guild.findChannel(channel)!.id, ...(options ? { options } : {}), ...(subcommand ? { subcommand } : {}) });
}
const text = (m: VisibleMessage) => [m.content ?? '', ...(m.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? '', e.footer?.text ?? ''])].join('\n');

describe('choosing a document with a name longer than 100 characters', () => {
  it('offers it with a value within 100 characters that picks it alone', () => {
    expect(longName.length).toBe(110);
    const value = choiceValue(longName);
    expect(value.length).toBeLessThanOrEqual(100);
    expect(chosenDocument([{ id: 'rivers.md' }, { id: longName }, { id: `${longName.slice(0, 105)}.txt` }], value)).toEqual({ id: longName });
    expect(choiceValue('rivers.md')).toBe('rivers.md');
    expect(choiceValue(`${'😀'.repeat(60)}.md`)).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // never half an emoji
  });

  it('asks it alone, binds a channel to it and removes it, each picked with autocomplete', async () => {
    const guildId = run.discord.guilds[0]!.id;
    const choices = await run.discord.sendAutocomplete({ name: 'documents', subcommand: 'remove', user: 'mod', guildId, options: [{ name: 'document', value: 'deltas', focused: true }] });
    expect(choices).toHaveLength(1);
    const value = String(choices[0]!.value);
    expect(value.length).toBeLessThanOrEqual(100);
    const askChoices = await run.discord.sendAutocomplete({ name: 'ask', user: 'mod', guildId, options: [{ name: 'question', value: 'x' }, { name: 'document', value: 'deltas', focused: true }] });
    expect(askChoices.map((c) => c.value)).toEqual([value]);

    const answer = await command('ask', { options: { question: 'What do rivers build at their mouths?', document: value } }).finalMessage();
    expect(text(answer)).toContain('build deltas');

    const bound = await command('config', { subcommand: 'documents', options: { channel: READING, document: value } }).finalMessage();
    expect(bound.content).toContain(`<#${READING}> answers from`);
    expect(run.deps.storage!.getSettings(guildId).channelDocuments[READING]).toEqual([longName]);

    const removed = await command('documents', { subcommand: 'remove', options: { document: value } }).finalMessage();
    expect(removed.content).toMatch(/^Removed /);
    expect(run.deps.library!.list(guildId)).toEqual([]);
    expect(run.deps.storage!.getSettings(guildId).channelDocuments[READING]).toBeUndefined();
  });
});
