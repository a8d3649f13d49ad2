/**
 * Servers' own documents end to end: moderators upload files (good, PDF, oversized, broken,
 * scanned), members ask about them, one server never sees another's, channels can be bound
 * to documents, documents survive a restart, and leaving a server (or /forget-server)
 * erases them. The real bot, engine and library against the fake Discord.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageFlags, PermissionFlagsBits, type APIButtonComponent } from 'discord.js';
import { REST } from 'discord.js';
import type { Verbatim } from '../../src/core/engine.js';
import { DocumentLibrary } from '../../src/core/library/documentLibrary.js';
import { deployCommands } from '../../src/discord/deployCommands.js';
import type { InteractionHandle, VisibleMessage } from '../fake-discord/index.js';
import { makePdf } from '../core/ingest/makeFiles.js';
import { openTestEngine, sleep, startBot, TOKEN, type RunningBot } from './helpers.js';
import { cleanUpAfterAll } from './cleanUp.js';

const READING = '1300000000000000001';
const world = {
  guilds: [
    {
      name: 'Geology study group',
      roles: [{ name: 'Mod', permissions: PermissionFlagsBits.ManageGuild }],
      channels: [{ name: 'general' }, { id: READING, name: 'reading' }],
      members: [{ user: { username: 'owner' } }, { user: { username: 'tester' } }, { user: { username: 'mod' }, roles: ['Mod'] }],
    },
    { name: 'History club', channels: [{ name: 'general' }], members: [{ user: { username: 'owner' } }, { user: { username: 'tester' } }] },
  ],
};

const volcanoes = '# Volcanoes\n\nA volcano erupts when magma rises through cracks in the crust. Lava flows can destroy villages.\n\n## Ash clouds\n\nVolcanic ash grounds aircraft because it melts inside jet engines.\n';
const glaciers = '# Glaciers\n\nGlaciers carve U-shaped valleys as they move downhill under their own weight.\n';

let engine: Verbatim & { corpusDir: string };
let release!: () => void;
const gate = { promise: new Promise<void>((resolve) => (release = resolve)), resolve: () => release() };
let run: RunningBot;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-server-docs-'));
const documentsRoot = path.join(dataDir, 'documents');

beforeAll(async () => {
  engine = await openTestEngine();
  // Indexing a text with GATED in it waits for `release`: the test can look at the bot mid-indexing.
  const embedder = Object.create(engine.embedder) as typeof engine.embedder;
  embedder.embed = async (texts, kind) => {
    if (texts.some((t) => t.includes('GATED'))) await gate.promise;
    return engine.embedder.embed(texts, kind);
  };
  const library = () => new DocumentLibrary({ root: documentsRoot, embedder, maxFileBytes: 64 * 1024, maxDocumentsPerGroup: 5, maxLoaded: 50 });
  run = await startBot({ engine, dataDir, library, env: { DOCUMENT_MAX_MB: '0.0625', DOCUMENTS_PER_SERVER: '4' }, fake: world });
  // The second server needs the commands too.
  await deployCommands({ rest: new REST({ api: run.discord.apiUrl, retries: 0, timeout: 2000 }).setToken(TOKEN), guildId: history().id });
  // Questions come quickly here; the cooldown has its own tests.
  for (const guild of [geology(), history()]) await command('config', { guild, user: 'owner', subcommand: 'cooldown', options: { seconds: 0 } }).finalMessage();
}, 30_000);
cleanUpAfterAll(() => ({ run, engine }), dataDir);
afterEach(() => {
  expect(run.discord.unhandled).toEqual([]);
  expect(run.discord.gatewayProblems).toEqual([]);
});

const geology = () => run.discord.guilds[0]!;
const history = () => run.discord.guilds[1]!;
const isEphemeral = (m: VisibleMessage) => ((m.flags ?? 0) & MessageFlags.Ephemeral) === MessageFlags.Ephemeral;

type Options = Record<string, string | number | boolean>;
function command(name: string, { guild = geology(), user = 'tester', channel = 'general', options, subcommand }: { guild?: typeof world extends never ? never : ReturnType<typeof geology>; user?: string; channel?: string; options?: Options; subcommand?: string } = {}): InteractionHandle {
  return run.discord.sendSlashCommand({ name, user, guildId: guild.id, channelId: guild.findChannel(channel)!.id, ...(options ? { options } : {}), ...(subcommand ? { subcommand } : {}) });
}

/** Uploads a file with /documents add and waits until the reply says it is ready, or why not. */
async function upload(filename: string, data: Buffer | string, { guild = geology(), user = 'owner', source }: { guild?: ReturnType<typeof geology>; user?: string; source?: string } = {}) {
  const file = run.discord.uploadAttachment({ filename, data, channelId: guild.findChannel('general')!.id });
  const handle = command('documents', { guild, user, subcommand: 'add', options: { file: file.id, ...(source ? { source } : {}) } });
  await handle.firstResponse();
  for (let i = 0; i < 400; i++) {
    const current = handle.original ?? (await handle.finalMessage().catch(() => null));
    if (current && /is ready|Not added|Only moderators|limit is|not a document|most it may|must be a web address/.test(current.content ?? '')) return current;
    await sleep(50);
  }
  return handle.finalMessage();
}

const ask = (question: string, options: { guild?: ReturnType<typeof geology>; channel?: string; document?: string } = {}) =>
  command('ask', { ...(options.guild ? { guild: options.guild } : {}), ...(options.channel ? { channel: options.channel } : {}), options: { question, ...(options.document ? { document: options.document } : {}) } }).finalMessage();
/** The custom_id of an answer's "Show 1 in context" button. */
function contextButton(message: VisibleMessage): string {
  const buttons = (message.components ?? []).flatMap((row) => ('components' in row ? (row.components as APIButtonComponent[]) : []));
  const button = buttons.find((b) => 'label' in b && b.label === 'Show 1 in context');
  if (!button || !('custom_id' in button)) throw new Error('no "Show 1 in context" button');
  return button.custom_id;
}
const text = (m: VisibleMessage) => [m.content ?? '', ...(m.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).map((f) => `${f.name} ${f.value}`), e.footer?.text ?? ''])].join('\n');

describe('/documents add', () => {
  it('indexes a Markdown file in the background and answers from it, with the file posted for members', async () => {
    const reply = await upload('volcanoes.md', volcanoes);
    expect(reply.content).toMatch(/✅ “Volcanoes” \(volcanoes\.md\) is ready/);
    expect(isEphemeral(reply)).toBe(false);
    expect(reply.attachments.map((a) => a.filename)).toEqual(['volcanoes.md']);
    const answer = await ask('Why does volcanic ash ground aircraft?');
    expect(text(answer)).toContain('melts inside jet engines');
    expect(text(answer)).toContain('§2 Ash clouds, ¶1');
    // The title links to the message with the file: where members can read the original.
    expect(answer.embeds[0]).toMatchObject({ title: 'Volcanoes', url: `https://discord.com/channels/${geology().id}/${reply.channel_id}/${reply.id}` });

    // "Show in context": the paragraph with its neighbours, ¶ numbers visible, the quote in bold.
    const shown = await run.discord.clickButton({ customId: contextButton(answer), message: answer }).finalMessage();
    expect(isEphemeral(shown)).toBe(true);
    expect(shown.embeds[0]?.title).toBe('In context: §2 Ash clouds, ¶1');
    expect(shown.embeds[0]?.description).toBe('¶1 **Volcanic ash grounds aircraft because it melts inside jet engines.**');
  });

  it('shows the paragraphs around a quote, and takes a source given with the upload', async () => {
    const reply = await upload('eruptions.md', '# Eruptions\n\nSome volcanoes explode.\n\nPyroclastic flows race downhill at hundreds of kilometres an hour. They are the deadliest hazard.\n\nOthers ooze lava quietly.\n', { source: 'https://example.org/eruptions' });
    expect(reply.content).toMatch(/is ready/);
    const answer = await ask('How fast do pyroclastic flows move?', { document: 'eruptions.md' });
    expect(answer.embeds[0]).toMatchObject({ title: 'Eruptions', url: 'https://example.org/eruptions' });
    const shown = await run.discord.clickButton({ customId: contextButton(answer), message: answer }).finalMessage();
    expect(shown.embeds[0]?.description).toMatch(/^¶1 Some volcanoes explode\.\n\n¶2 (.*)\*\*Pyroclastic flows race downhill at hundreds of kilometres an hour\.(.*)\*\*(.*)\n\n¶3 Others ooze lava quietly\.$/);
    await command('documents', { user: 'mod', subcommand: 'remove', options: { document: 'eruptions.md' } }).finalMessage();
  });

  it("keeps a source as a well-formed address whose brackets cannot break the list's link, and refuses one without a host", async () => {
    const reply = await upload('lahars.md', '# Lahars\n\nLahars are mudflows of volcanic ash and water.\n', { source: 'https://example.org/wiki/Lahar_(mudflow)' });
    expect(reply.content).toMatch(/is ready/);
    const list = await command('documents', { user: 'mod', subcommand: 'list' }).finalMessage();
    expect(list.embeds[0]?.description).toContain('[source](https://example.org/wiki/Lahar_%28mudflow%29)');
    const answer = await ask('What are lahars made of?', { document: 'lahars.md' });
    expect(answer.embeds[0]).toMatchObject({ url: 'https://example.org/wiki/Lahar_(mudflow)' });
    await command('documents', { user: 'mod', subcommand: 'remove', options: { document: 'lahars.md' } }).finalMessage();
    for (const bad of ['https://', 'https://[example.org/', 'javascript:alert(1)', 'https://reader:secret@example.org/notes']) {
      expect((await upload('bad.md', '# Bad\n\nText.\n', { source: bad })).content).toMatch(/must be a web address/);
    }
  });

  it('cites the page of a PDF', async () => {
    const pdf = makePdf([
      [{ text: 'Rocks', size: 18 }, { text: 'Granite forms when magma cools slowly deep underground.', gapBefore: 8 }],
      [{ text: 'Erosion', size: 18 }, { text: 'Rivers wear down mountains over millions of years.', gapBefore: 8 }],
    ]);
    expect((await upload('rocks.pdf', pdf)).content).toMatch(/is ready/);
    const answer = await ask('What wears down mountains over millions of years?', { document: 'rocks.pdf' });
    expect(text(answer)).toContain('Rivers wear down mountains');
    expect(text(answer)).toMatch(/§2 Erosion, ¶1, p\. 2/);
  });

  it('reads a saved web page: the article, not the menus', async () => {
    const page = `<!doctype html><html><head><title>Plate tectonics</title></head><body><nav><a href="/">Home</a> <a href="/shop">Shop for rock hammers</a></nav>
      <article><h1>Plate tectonics</h1><p>${'Earth’s crust is broken into plates that drift a few centimetres a year. '.repeat(4)}</p>
      <h2>Earthquakes</h2><p>Earthquakes happen where plates grind past each other and suddenly slip.</p></article>
      <footer>Shop for rock hammers today.</footer></body></html>`;
    expect((await upload('tectonics.html', page)).content).toMatch(/✅ “Plate tectonics” \(tectonics\.html\) is ready/);
    const answer = await ask('Where do earthquakes happen?', { document: 'tectonics.html' });
    expect(text(answer)).toContain('where plates grind past each other');
    // Readability takes the <h1> repeating the page's title as the title; the <h2> is section 1.
    expect(text(answer)).toContain('§1 Earthquakes, ¶1');
    expect(text(await ask('Where can I shop for rock hammers?', { document: 'tectonics.html' }))).not.toContain('Shop for rock hammers');
    await command('documents', { user: 'mod', subcommand: 'remove', options: { document: 'tectonics.html' } }).finalMessage();
  });

  it('keeps answering while a document is being indexed, and shows the progress', async () => {
    const file = run.discord.uploadAttachment({ filename: 'slow.md', data: '# Slow reading\n\nGATED: this chapter takes a while to index, about glaciers and moraines.\n' });
    const handle = command('documents', { user: 'owner', subcommand: 'add', options: { file: file.id } });
    for (let i = 0; i < 200 && !/Indexing/.test(handle.original?.content ?? ''); i++) await sleep(20);
    // "Indexing “Slow reading” (slow.md)…", or a progress edit after it ("Indexing “slow.md”: embedding 0%…").
    expect(handle.original?.content).toMatch(/^📄 Indexing “(Slow reading” \(slow\.md\)…|slow\.md”: )/);
    // Indexing is stuck at the gate; members are answered meanwhile, from the ready documents.
    expect(text(await ask('Why does volcanic ash ground aircraft?'))).toContain('jet engines');
    expect(run.deps.library!.list(geology().id).find((d) => d.id === 'slow.md')?.status).toBe('indexing');
    gate.resolve();
    for (let i = 0; i < 200 && !/is ready/.test(handle.original?.content ?? ''); i++) await sleep(20);
    expect(handle.original?.content).toMatch(/✅ “Slow reading” \(slow\.md\) is ready/);
    await command('documents', { user: 'mod', subcommand: 'remove', options: { document: 'slow.md' } }).finalMessage();
  });

  it('refuses an oversized, an unsupported, a broken and a scanned file with a reason, and keeps nothing', async () => {
    const before = run.deps.library!.list(geology().id).map((d) => d.id);
    const tooLarge = await upload('huge.txt', 'word '.repeat(20_000));
    expect(isEphemeral(tooLarge)).toBe(true);
    expect(tooLarge.content).toMatch(/“huge\.txt” is 98 KB; the limit is 64 KB\. Nothing was added\./);
    expect((await upload('slides.pptx', 'PK…')).content).toMatch(/not a document I can read/);
    const broken = await upload('broken.pdf', '%PDF-1.4 this is not a PDF');
    expect(broken.content).toMatch(/^Not added: I cannot use “broken\.pdf”: .*Nothing was changed\.$/);
    expect(broken.attachments).toEqual([]); // the posted file is taken down again
    const scan = await upload('scan.pdf', makePdf([[]]));
    expect(scan.content).toMatch(/no text layer.*OCR/);
    expect(run.deps.library!.list(geology().id).map((d) => d.id)).toEqual(before);
  });

  it('is for moderators only, checked on every use', async () => {
    const reply = await upload('glaciers.md', glaciers, { user: 'tester' });
    expect(reply.content).toMatch(/Only moderators/);
    expect(run.deps.library!.list(geology().id).some((d) => d.id === 'glaciers.md')).toBe(false);
  });

  it('lists and removes documents, with autocomplete', async () => {
    const list = await command('documents', { user: 'mod', subcommand: 'list' }).finalMessage();
    expect(text(list)).toMatch(/Volcanoes.*volcanoes\.md[\s\S]*rocks\.pdf/);
    const choices = await run.discord.sendAutocomplete({ name: 'documents', subcommand: 'remove', user: 'mod', guildId: geology().id, options: [{ name: 'document', value: 'rock', focused: true }] });
    expect(choices.map((c) => c.value)).toEqual(['rocks.pdf']);
    const removed = await command('documents', { user: 'mod', subcommand: 'remove', options: { document: 'rocks.pdf' } }).finalMessage();
    expect(removed.content).toMatch(/Removed .*rocks\.pdf/);
    expect(run.deps.library!.list(geology().id).map((d) => d.id)).toEqual(['volcanoes.md']);
  });
});

describe('per-server isolation', () => {
  it('another server never sees these documents: not in answers, autocomplete, sections, summaries or quizzes', async () => {
    const answer = await ask('Why does volcanic ash ground aircraft?', { guild: history() });
    expect(text(answer)).not.toContain('jet engines');
    const choices = await run.discord.sendAutocomplete({ name: 'ask', guildId: history().id, options: [{ name: 'question', value: 'x' }, { name: 'document', value: '', focused: true }] });
    expect(choices.map((c) => c.value)).not.toContain('volcanoes.md');
    expect(text(await command('sections', { guild: history() }).finalMessage())).not.toContain('Volcanoes');
    expect(text(await command('summary', { guild: history() }).finalMessage())).not.toMatch(/volcano|magma/i);
    const quiz = await command('quiz', { guild: history() }).finalMessage();
    expect(text(quiz)).not.toMatch(/volcano|magma|lava/i);
    const inGeology = await run.discord.sendAutocomplete({ name: 'ask', guildId: geology().id, options: [{ name: 'question', value: 'x' }, { name: 'document', value: 'volc', focused: true }] });
    expect(inGeology.map((c) => c.value)).toEqual(['volcanoes.md']);
  });

  it('a server can answer from its own documents only', async () => {
    await command('config', { user: 'mod', subcommand: 'shared-corpus', options: { enabled: false } }).finalMessage();
    const answer = await ask('Why did Russia recognize the Taliban?');
    expect(text(answer)).not.toContain('Taliban government');
    expect(text(await command('sections').finalMessage())).not.toContain('Russia');
    await command('config', { user: 'mod', subcommand: 'shared-corpus', options: { enabled: true } }).finalMessage();
    expect(text(await ask('Why did Russia recognize the Taliban?'))).toContain('Taliban');
  });

  it('with shared documents off and none uploaded, /sections and /quote say why, privately', async () => {
    await command('config', { guild: history(), user: 'owner', subcommand: 'shared-corpus', options: { enabled: false } }).finalMessage();
    try {
      for (const handle of [command('sections', { guild: history() }), command('quote', { guild: history(), options: { section: '1' } })]) {
        const reply = await handle.finalMessage();
        expect(reply.content).toBe('This server has no documents yet: a moderator can add one with `/documents add`.');
        expect(isEphemeral(reply)).toBe(true);
      }
    } finally {
      await command('config', { guild: history(), user: 'owner', subcommand: 'shared-corpus', options: { enabled: true } }).finalMessage();
    }
  });
});

describe('channel binding', () => {
  it('a channel bound to a document answers from it alone', async () => {
    expect((await upload('glaciers.md', glaciers)).content).toMatch(/is ready/);
    const saved = await command('config', { user: 'mod', subcommand: 'documents', options: { channel: READING, document: 'glaciers.md' } }).finalMessage();
    expect(saved.content).toContain(`<#${READING}> answers from “glaciers.md” only`);
    const inReading = await ask('Why does volcanic ash ground aircraft?', { channel: 'reading' });
    expect(text(inReading)).not.toContain('jet engines');
    expect(text(await ask('How do glaciers carve valleys?', { channel: 'reading' }))).toContain('U-shaped valleys');
    expect(text(await ask('Why does volcanic ash ground aircraft?'))).toContain('jet engines'); // elsewhere: every document
    const unknown = await command('config', { user: 'mod', subcommand: 'documents', options: { channel: READING, document: 'nope.md' } }).finalMessage();
    expect(unknown.content).toMatch(/not one of this server’s documents/);
    // Typing another document's name does not get round the binding; a bound one can be picked.
    const other = await ask('Why does volcanic ash ground aircraft?', { channel: 'reading', document: 'volcanoes.md' });
    expect(text(other)).not.toContain('jet engines');
    expect(text(other)).toMatch(/no such document here/);
    expect(text(await ask('How do glaciers carve valleys?', { channel: 'reading', document: 'glaciers.md' }))).toContain('U-shaped valleys');
  });
});

describe('restart and leaving', () => {
  it('keeps documents across a restart, loading them only when asked', async () => {
    await run.restart();
    expect(run.deps.library!.loadedCount).toBe(0);
    expect(text(await ask('Why does volcanic ash ground aircraft?'))).toContain('jet engines');
    expect(run.deps.library!.loadedCount).toBeGreaterThan(0);
  });

  it('/forget-server erases a server’s documents and settings, for moderators only', async () => {
    expect((await upload('notes.md', '# Notes\n\nThe treaty was signed in 1648 at Westphalia.\n', { guild: history() })).content).toMatch(/is ready/);
    const member = await command('forget-server', { guild: history(), user: 'tester', options: { confirm: true } }).finalMessage();
    expect(member.content).toMatch(/Only moderators/);
    expect(run.deps.library!.list(history().id)).toHaveLength(1);
    const done = await command('forget-server', { guild: history(), user: 'owner', options: { confirm: true } }).finalMessage();
    expect(done.content).toMatch(/Erased: 1 document/);
    expect(run.deps.library!.list(history().id)).toEqual([]);
  });

  it('erases a server’s documents and data when the bot leaves it', async () => {
    const folder = path.join(documentsRoot, geology().id);
    expect(fs.existsSync(folder)).toBe(true);
    expect(run.deps.storage!.getSettings(geology().id).channelDocuments).toEqual({ [READING]: ['glaciers.md'] });
    run.discord.removeBotFromGuild(geology().id);
    for (let i = 0; i < 100 && fs.existsSync(folder); i++) await sleep(20);
    expect(fs.existsSync(folder)).toBe(false);
    expect(run.deps.library!.list(geology().id)).toEqual([]);
    expect(run.deps.storage!.getSettings(geology().id).channelDocuments).toEqual({});
  });
});
