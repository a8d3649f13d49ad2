/**
 * A failed Discord call is logged without the secrets and private content discord.js's
 * errors carry: the interaction or webhook token in `url`, and `requestBody` (the message
 * sent: a member's question, attached files as byte arrays). The logger is the bot's own
 * (src/logger.ts's options, as in test/discord/helpers.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiscordAPIError, HTTPError, PermissionFlagsBits } from 'discord.js';
import type { Verbatim } from '../../src/core/engine.js';
import { DocumentLibrary } from '../../src/core/library/documentLibrary.js';
import { memoryLogger, openTestEngine, sleep, startBot, type RunningBot } from './helpers.js';

const TOKEN_IN_URL = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA';
const QUESTION = 'what is my neighbour hiding in the shed';

function discordApiError(url: string): DiscordAPIError {
  return new DiscordAPIError({ code: 50035, message: 'Invalid Form Body' }, 50035, 400, 'POST', url, {
    files: [{ name: 'notes.txt', data: Buffer.from('private notes of a member') }],
    body: { type: 4, data: { content: `**Q:** ${QUESTION}` } },
  });
}

describe('logged Discord errors', () => {
  it('mask the token in the URL and leave out the request body, under `err` and `error`', () => {
    const logs = memoryLogger();
    const { logger, text } = logs;
    const interaction = `https://discord.com/api/v10/interactions/1400000000000000001/${TOKEN_IN_URL}/callback?with_response=false`;
    const webhook = `https://discord.com/api/v10/webhooks/1400000000000000002/${TOKEN_IN_URL}/messages/@original`;
    logger.warn({ err: discordApiError(interaction) }, 'api error');
    logger.warn({ error: new HTTPError(503, 'Service Unavailable', 'PATCH', webhook, { files: undefined, body: { content: QUESTION } }) }, 'http error');
    // Wrapped in another error: pino keeps only the cause's message and stack.
    logger.error({ err: new Error('could not answer', { cause: discordApiError(webhook) }) }, 'wrapped');

    expect(text()).not.toContain(TOKEN_IN_URL);
    expect(text()).not.toContain(QUESTION);
    expect(text()).not.toContain('requestBody');
    const [api, http] = logs.lines;
    expect(api!.err).toMatchObject({ type: 'DiscordAPIError', code: 50035, status: 400, method: 'POST', url: 'https://discord.com/api/v10/interactions/1400000000000000001/[redacted]/callback?with_response=false' });
    expect(http!.error).toMatchObject({ type: 'HTTPError', status: 503, method: 'PATCH', url: 'https://discord.com/api/v10/webhooks/1400000000000000002/[redacted]/messages/@original' });
  });
});

describe('an upload Discord refuses to post', () => {
  let engine: Verbatim;
  let run: RunningBot;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-log-redaction-'));
  afterAll(async () => {
    await run?.stop();
    await engine?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is logged with its status and route, without the token or the file', async () => {
    engine = await openTestEngine();
    const library = () => new DocumentLibrary({ root: path.join(dataDir, 'documents'), embedder: engine.embedder, maxFileBytes: 64 * 1024, maxDocumentsPerGroup: 5, maxLoaded: 50 });
    run = await startBot({
      engine,
      dataDir,
      library,
      fake: { guilds: [{ roles: [{ name: 'Mod', permissions: PermissionFlagsBits.ManageGuild }], channels: [{ name: 'general' }], members: [{ user: { username: 'owner' } }] }] },
    });
    const { discord, logs } = run;
    const secret = 'Minutes of the closed meeting: the treasurer resigned.';
    // Discord refuses the edit that posts the file (as without Attach Files).
    discord.failNextRequest((r) => r.method === 'PATCH' && r.path.startsWith('/webhooks/') && r.files > 0);
    const file = discord.uploadAttachment({ filename: 'minutes.md', data: `# Minutes\n\n${secret}\n`, channelId: discord.guild.findChannel('general')!.id });
    const add = discord.sendSlashCommand({ name: 'documents', user: 'owner', subcommand: 'add', options: { file: file.id } });
    for (let i = 0; i < 200 && !/is ready|Not added/.test(add.original?.content ?? ''); i++) await sleep(50);
    expect(add.original?.content).toMatch(/is ready/);

    const line = logs.lines.find((l) => l.msg === 'could not post the uploaded file; keeping the document without it');
    expect(line?.err).toMatchObject({ type: 'DiscordAPIError', status: 403, code: 50013, method: 'PATCH' });
    const url = (line!.err as { url: string }).url;
    expect(url).toMatch(/\/webhooks\/\d+\/\[redacted\]\/messages\/(@|%40)original$/);
    expect(logs.text()).not.toContain(add.payload.token);
    expect(logs.text()).not.toContain('treasurer');
    expect(logs.text()).not.toContain('requestBody');
  });
});
