/**
 * Slow document loading: the first question after a restart waits for the model and the
 * server's indexes, which can take longer than Discord's deadline. Every command and button
 * must still be acknowledged in time, the way its reply will look (private, public, or an
 * edit of the button's message), and a server whose indexes are loaded is answered directly.
 *
 * Loading takes 3.2 s, past Discord's 3 s; the bot defers after 0.5 s (DEFER_AFTER_MS) so
 * that a busy test machine cannot push the defer past the deadline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InteractionResponseType, MessageFlags, PermissionFlagsBits, type APIButtonComponent } from 'discord.js';
import type { Verbatim } from '../../src/core/engine.js';
import { DocumentLibrary } from '../../src/core/library/documentLibrary.js';
import type { InteractionHandle, VisibleMessage } from '../fake-discord/index.js';
import { openTestEngine, sleep, startBot, type RunningBot } from './helpers.js';
import { cleanUpAfterAll } from './cleanUp.js';

const ACK_MS = 3000;
const LOADING_MS = 3200;

/** A library whose loading of indexes takes `loadingMs` (0: as fast as it is). */
class SlowLibrary extends DocumentLibrary {
  loadingMs = 0;
  override async engines(...args: Parameters<DocumentLibrary['engines']>): ReturnType<DocumentLibrary['engines']> {
    if (this.loadingMs > 0) await sleep(this.loadingMs);
    return super.engines(...args);
  }
}

const world = {
  guilds: [
    {
      roles: [{ name: 'Mod', permissions: PermissionFlagsBits.ManageGuild }],
      channels: [{ name: 'general' }],
      members: [{ user: { username: 'owner' } }, { user: { username: 'tester' } }, { user: { username: 'mod' }, roles: ['Mod'] }],
    },
  ],
};

let engine: Verbatim;
let run: RunningBot;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-slow-loading-'));
const library = () => run.deps.library as SlowLibrary;
const slow = () => (library().loadingMs = LOADING_MS);

beforeAll(async () => {
  engine = await openTestEngine();
  const make = () => new SlowLibrary({ root: path.join(dataDir, 'documents'), embedder: engine.embedder, maxFileBytes: 256 * 1024, maxDocumentsPerGroup: 5, maxLoaded: 50 });
  run = await startBot({ engine, dataDir, library: make, env: { DEFER_AFTER_MS: '500' }, fake: world });
  await command('config', { user: 'owner', subcommand: 'cooldown', options: { seconds: 0 } }).finalMessage();
  expect((await upload('glaciers.md', '# Glaciers\n\nGlaciers carve U-shaped valleys as they move downhill under their own weight.\n')).content).toMatch(/is ready/);
  // One long section: /quote pages it.
  const paragraphs = Array.from({ length: 40 }, (_, i) => `River ${i + 1} floods its plain every spring, leaving silt that farmers of village ${i + 1} have tilled for centuries.`);
  expect((await upload('rivers.md', `# Rivers\n\n${paragraphs.join('\n\n')}\n`)).content).toMatch(/is ready/);
}, 60_000);
cleanUpAfterAll(() => ({ run, engine }), dataDir);
let failedBefore = 0;
beforeEach(() => {
  failedBefore = run.discord.failed.length;
});
afterEach(() => {
  library().loadingMs = 0;
  // No interaction expired (10062), none acknowledged twice (40060), nothing else refused.
  expect(run.discord.failed.slice(failedBefore)).toEqual([]);
});

type Options = Record<string, string | number | boolean>;
function command(name: string, { user = 'tester', options, subcommand }: { user?: string; options?: Options; subcommand?: string } = {}): InteractionHandle {
  return run.discord.sendSlashCommand({ name, user, channelId: run.discord.guild.findChannel('general')!.id, ...(options ? { options } : {}), ...(subcommand ? { subcommand } : {}) });
}

async function upload(filename: string, data: string): Promise<VisibleMessage> {
  const file = run.discord.uploadAttachment({ filename, data, channelId: run.discord.guild.findChannel('general')!.id });
  const handle = command('documents', { user: 'owner', subcommand: 'add', options: { file: file.id } });
  await handle.firstResponse();
  for (let i = 0; i < 200 && !/is ready|Not added/.test(handle.original?.content ?? ''); i++) await sleep(50);
  return handle.finalMessage();
}

const isEphemeral = (m: { flags?: number | undefined }) => ((m.flags ?? 0) & MessageFlags.Ephemeral) === MessageFlags.Ephemeral;
const button = (message: VisibleMessage, label: RegExp) =>
  (message.components ?? []).flatMap((row) => ('components' in row ? (row.components as APIButtonComponent[]) : [])).find((b) => 'label' in b && label.test(b.label ?? '')) as
    | (APIButtonComponent & { custom_id: string })
    | undefined;

/** The first response: a defer of `type`, in time, private or not. */
async function expectDeferred(handle: InteractionHandle, type: InteractionResponseType, ephemeral: boolean) {
  const first = await handle.firstResponse(ACK_MS + 500);
  expect(first.type).toBe(type);
  expect(first.ms).toBeLessThan(ACK_MS);
  expect(isEphemeral({ flags: first.data?.flags as number | undefined })).toBe(ephemeral);
}

describe('indexes already loaded', () => {
  it('replies directly, without a defer', async () => {
    const ask = command('ask', { options: { question: 'What do glaciers carve?' } });
    expect((await ask.firstResponse()).type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect((await ask.finalMessage()).embeds[0]?.description).toContain('U-shaped valleys');
  });
});

describe('loading slower than the deadline', () => {
  it('autocomplete, which cannot be deferred: no choices in time rather than an expired interaction, then the documents on a later keystroke', async () => {
    slow();
    const guildId = run.discord.guild.id;
    const started = performance.now();
    const late = await run.discord.sendAutocomplete({ name: 'ask', user: 'tester', guildId, options: [{ name: 'question', value: 'x' }, { name: 'document', value: 'gla', focused: true }] });
    expect(late).toEqual([]);
    expect(performance.now() - started).toBeLessThan(ACK_MS);
    library().loadingMs = 0;
    await sleep(LOADING_MS); // the first load finishes meanwhile
    const loaded = await run.discord.sendAutocomplete({ name: 'ask', user: 'tester', guildId, options: [{ name: 'question', value: 'x' }, { name: 'document', value: 'gla', focused: true }] });
    expect(loaded.map((c) => c.value)).toEqual(['glaciers.md']);
  });

  it('/ask: a public "thinking…", then the public answer', async () => {
    slow();
    const ask = command('ask', { options: { question: 'What do glaciers carve?' } });
    await expectDeferred(ask, InteractionResponseType.DeferredChannelMessageWithSource, false);
    const answer = await ask.finalMessage({ timeoutMs: 7000 });
    expect(answer.embeds[0]?.description).toContain('U-shaped valleys');
    expect(isEphemeral(answer)).toBe(false);
    expect(ask.callbacks).toHaveLength(1);
  });

  it('/ask private:True: a private "thinking…", then the private answer', async () => {
    slow();
    const ask = command('ask', { options: { question: 'What do glaciers carve?', private: true } });
    await expectDeferred(ask, InteractionResponseType.DeferredChannelMessageWithSource, true);
    const answer = await ask.finalMessage({ timeoutMs: 7000 });
    expect(answer.embeds[0]?.description).toContain('U-shaped valleys');
    expect(isEphemeral(answer)).toBe(true);
  });

  it('/ask document: that has to be loaded too is deferred once', async () => {
    slow();
    const ask = command('ask', { options: { question: 'What do glaciers carve?', document: 'glaciers.md' } });
    await expectDeferred(ask, InteractionResponseType.DeferredChannelMessageWithSource, false);
    expect((await ask.finalMessage({ timeoutMs: 10000 })).embeds[0]?.description).toContain('U-shaped valleys');
    expect(ask.callbacks).toHaveLength(1);
  });

  it('/help (a command with no deadline of its own): deferred privately, then filled in', async () => {
    slow();
    const help = command('help');
    await expectDeferred(help, InteractionResponseType.DeferredChannelMessageWithSource, true);
    const message = await help.finalMessage({ timeoutMs: 7000 });
    expect(message.embeds[0]?.title).toBe('Verbatim');
    expect(isEphemeral(message)).toBe(true);
  });

  it('/documents add (which defers itself) is deferred publicly once and still indexes the file', async () => {
    slow();
    const file = run.discord.uploadAttachment({ filename: 'deltas.md', data: '# Deltas\n\nA delta forms where a river drops its silt into the sea.\n', channelId: run.discord.guild.findChannel('general')!.id });
    const add = command('documents', { user: 'owner', subcommand: 'add', options: { file: file.id } });
    await expectDeferred(add, InteractionResponseType.DeferredChannelMessageWithSource, false);
    for (let i = 0; i < 200 && !/is ready|Not added/.test(add.original?.content ?? ''); i++) await sleep(50);
    expect(add.original?.content).toMatch(/✅ “Deltas” \(deltas\.md\) is ready/);
    expect(add.callbacks).toHaveLength(1);
  });

  it('"More passages": a private "thinking…", then the next passages privately', async () => {
    const message = await command('ask', { options: { question: 'Which river floods its plain every spring?' } }).finalMessage();
    slow();
    const more = run.discord.clickButton({ customId: button(message, /^More passages/)!.custom_id, message });
    await expectDeferred(more, InteractionResponseType.DeferredChannelMessageWithSource, true);
    const next = await more.finalMessage({ timeoutMs: 7000 });
    expect(isEphemeral(next)).toBe(true);
    expect(next.embeds[0]?.description).toMatch(/River \d+ floods/);
  });

  it('/quote Next: a deferred update, then the next page in the same message', async () => {
    const first = await command('quote', { options: { section: 'Rivers' } }).finalMessage();
    expect(first.embeds[0]?.footer?.text).toMatch(/page 1\/\d+$/);
    slow();
    const next = run.discord.clickButton({ customId: button(first, /^Next/)!.custom_id, message: first });
    await expectDeferred(next, InteractionResponseType.DeferredMessageUpdate, false);
    const second = await next.finalMessage({ timeoutMs: 7000 });
    expect(second.id).toBe(first.id);
    expect(second.embeds[0]?.footer?.text).toMatch(/page 2\/\d+$/);
  });

  it('an expired page button after a deferred update: told privately, and the message stays', async () => {
    const first = await command('quote', { options: { section: 'Rivers' } }).finalMessage();
    await command('documents', { user: 'owner', subcommand: 'remove', options: { document: 'rivers.md' } }).finalMessage();
    slow();
    const next = run.discord.clickButton({ customId: button(first, /^Next/)!.custom_id, message: first });
    await expectDeferred(next, InteractionResponseType.DeferredMessageUpdate, false);
    const told = await next.followUp(0, 7000);
    expect(told.content).toMatch(/This button has expired/);
    expect(isEphemeral(told)).toBe(true);
    const kept = run.discord.messages.find((m) => m.message.id === first.id)!;
    expect(kept.deleted).toBe(false);
    expect(kept.message.embeds[0]?.footer?.text).toMatch(/page 1\/\d+$/);
  });

  it('/forget-me\'s button: a deferred update, then the message says what was erased', async () => {
    const confirm = await command('forget-me').finalMessage();
    slow();
    const click = run.discord.clickButton({ customId: button(confirm, /^Erase my data$/)!.custom_id, message: confirm });
    await expectDeferred(click, InteractionResponseType.DeferredMessageUpdate, false);
    const done = await click.finalMessage({ timeoutMs: 7000 });
    expect(done.id).toBe(confirm.id);
    expect(done.content).toMatch(/^Done\. I erased/);
    expect(done.components ?? []).toEqual([]);
  });
});
