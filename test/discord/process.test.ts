/**
 * The entry points as processes, the way an operator runs them: `npm start` without a
 * token or with a rejected one, a clean SIGTERM, and `npm run deploy-commands`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let discord: FakeDiscord | undefined;
afterEach(async () => {
  await discord?.close();
  discord = undefined;
});

/** Runs `script` with tsx and only the given settings (no .env from the working tree). */
function runScript(script: string, env: Record<string, string>, { onStdout }: { onStdout?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), DOTENV_CONFIG_PATH: path.join(os.tmpdir(), 'verbatim-no-such.env'), LOG_PRETTY: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    onStdout?.(stdout, child);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const tempDirs = () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-proc-'));
  return { INDEX_DIR: path.join(root, 'index'), DATA_DIR: path.join(root, 'data') };
};

describe('npm start', () => {
  it('without DISCORD_TOKEN: says what to set and where, mentions npm run chat, exits non-zero', async () => {
    const run = await runScript('src/discord/main.ts', {});
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('DISCORD_TOKEN is not set');
    expect(run.stderr).toContain('.env');
    expect(run.stderr).toContain('npm run chat');
    expect(run.stderr).not.toMatch(/^\s+at /m); // no stack trace
  });

  it('lists every invalid setting at once, without a stack trace', async () => {
    const run = await runScript('src/discord/main.ts', { DISCORD_TOKEN: 'x', PASSAGES_PER_ANSWER: 'lots', QA_CHANNEL_IDS: '123,abc', DISCORD_API_URL: 'not a url' });
    expect(run.code).toBe(78);
    expect(run.stderr).toMatch(/PASSAGES_PER_ANSWER/);
    expect(run.stderr).toMatch(/QA_CHANNEL_IDS/);
    expect(run.stderr).toMatch(/DISCORD_API_URL/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('a rejected token: one clear line, exit code 78, the token never printed', async () => {
    discord = await startFakeDiscord({ token: 'the-right-token' });
    const run = await runScript('src/discord/main.ts', { DISCORD_TOKEN: 'a-wrong-token', DISCORD_API_URL: discord.apiUrl, ...tempDirs() });
    expect(run.code).toBe(78);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: Discord rejected DISCORD_TOKEN \(401 Unauthorized\)/)]);
    expect(run.stdout + run.stderr).not.toContain('a-wrong-token');
  });

  it('a corrupt database: one clear line naming the file, exit code 78 (no restart loop), before the model loads', async () => {
    const dirs = tempDirs();
    fs.mkdirSync(dirs.DATA_DIR, { recursive: true });
    const file = path.join(dirs.DATA_DIR, 'verbatim.db');
    fs.writeFileSync(file, 'this is not a database, just some text that is long enough to have a header '.repeat(20));
    const run = await runScript('src/discord/main.ts', { DISCORD_TOKEN: 'x', DISCORD_API_URL: 'http://127.0.0.1:9/api', ...dirs });
    expect(run.code).toBe(78);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(`error: Verbatim storage: ${file} is not a readable SQLite database`)]);
    expect(run.stdout).not.toContain('loading the model');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('an unwritable data folder (a file in the way): exit code 78, naming the file', async () => {
    const dirs = tempDirs();
    fs.writeFileSync(dirs.DATA_DIR, 'a file where the data folder should be');
    const run = await runScript('src/discord/main.ts', { DISCORD_TOKEN: 'x', DISCORD_API_URL: 'http://127.0.0.1:9/api', ...dirs });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain(`cannot open ${path.join(dirs.DATA_DIR, 'verbatim.db')} for writing`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('loads the engine, logs in, and shuts down cleanly on SIGTERM', async () => {
    discord = await startFakeDiscord({ token: 'proc-token' });
    let signalled = false;
    const run = await runScript('src/discord/main.ts', { DISCORD_TOKEN: 'proc-token', DISCORD_API_URL: discord.apiUrl, LOG_LEVEL: 'debug', ...tempDirs() }, {
      onStdout: (text, child) => {
        if (!signalled && text.includes('"event":"ready"')) {
          signalled = true;
          child.kill('SIGTERM');
        }
      },
    });
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; level: number; config?: Record<string, unknown> });
    expect(lines.find((l) => l.msg === 'settings')?.config?.DISCORD_TOKEN).toBe('[redacted]');
    const order = lines.map((l) => l.msg);
    expect(order.indexOf('engine loaded')).toBeLessThan(order.findIndex((m) => m.startsWith('ready as')));
    // A fresh index folder: the index was built at start-up, and the log says so.
    expect(lines.find((l) => (l as { event?: string }).event === 'index')).toMatchObject({ rebuilt: true, reason: expect.stringMatching(/index/), level: 40 });
    expect(order.slice(-3)).toEqual(['shutting down', 'in-flight work ended', 'stopped']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('proc-token');
    expect(discord.unhandled).toEqual([]);
  });
});

describe('npm run deploy-commands', () => {
  it('registers the commands in DISCORD_GUILD_ID and says so', async () => {
    discord = await startFakeDiscord({ token: 'deploy-token' });
    const run = await runScript('src/discord/deployCommands.ts', { DISCORD_TOKEN: 'deploy-token', DISCORD_API_URL: discord.apiUrl, DISCORD_GUILD_ID: discord.guild.id });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const names = ['ask', 'sections', 'quote', 'summary', 'quiz', 'quiz-scores', 'forget-me', 'help', 'config', 'documents', 'report', 'reindex', 'forget-server'];
    const [registered, , invite, url] = run.stdout.trim().split('\n');
    expect(registered).toBe(`Registered ${names.length} commands (${names.map((n) => `/${n}`).join(', ')}) in server ${discord.guild.id}: they are available there now.`);
    expect(invite).toBe('Invite the bot (scopes bot, applications.commands; permissions View Channels, Send Messages, Send Messages in Threads, Create Public Threads, Embed Links, Attach Files, Read Message History (309237763072)):');
    // ViewChannel 1<<10 | SendMessages 1<<11 | EmbedLinks 1<<14 | AttachFiles 1<<15 | ReadMessageHistory 1<<16 | CreatePublicThreads 1<<35 | SendMessagesInThreads 1<<38
    expect(1024 + 2048 + 16384 + 32768 + 65536 + 2 ** 35 + 2 ** 38).toBe(309237763072);
    const link = new URL(url!);
    expect(link.origin + link.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(Object.fromEntries(link.searchParams)).toEqual({ client_id: discord.applicationId, scope: 'bot applications.commands', permissions: '309237763072', guild_id: discord.guild.id });
    expect(discord.commands.map((c) => [c.name, c.guild_id])).toEqual(names.map((n) => [n, discord!.guild.id]));
  });

  it('registers globally without DISCORD_GUILD_ID', async () => {
    discord = await startFakeDiscord({ token: 'deploy-token' });
    const run = await runScript('src/discord/deployCommands.ts', { DISCORD_TOKEN: 'deploy-token', DISCORD_API_URL: discord.apiUrl });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Registered 13 commands .* globally for application \d+/);
    expect(discord.commands.every((c) => !c.guild_id)).toBe(true);
  });

  it('a rejected token is a settings problem (78); an unreachable Discord is not (1)', async () => {
    discord = await startFakeDiscord({ token: 'deploy-token' });
    const rejected = await runScript('src/discord/deployCommands.ts', { DISCORD_TOKEN: 'wrong-token', DISCORD_API_URL: discord.apiUrl });
    expect(rejected.code).toBe(78);
    expect(rejected.stderr).toMatch(/rejected DISCORD_TOKEN/);
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const unreachable = await runScript('src/discord/deployCommands.ts', { DISCORD_TOKEN: 'deploy-token', DISCORD_API_URL: 'http://127.0.0.1:1/api' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/could not reach Discord \(ECONNREFUSED\)/);
  });
});
