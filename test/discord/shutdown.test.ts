/**
 * Clean shutdown under a process manager (issue 11), with the bot as a real process chain
 * against the local fake Discord: a launcher shell → tsx → the bot, in a process group of
 * their own, as npm, systemd or a terminal runs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { deployCommands } from '../../src/discord/deployCommands.js';
import { RESTARTING_MESSAGE } from '../../src/discord/inFlight.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';

const TOKEN = 'shutdown-token';
const TSX = path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

let discord: FakeDiscord | undefined;
const started: ChildProcess[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.pid) killGroup(child.pid, 'SIGKILL');
  await discord?.close();
  discord = undefined;
});

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

interface BotProcess {
  /** The launcher (`sh -c "node tsx main.ts"`), leader of the process group. */
  launcher: ChildProcess;
  /** Log lines so far (JSON). */
  lines: Array<Record<string, unknown> & { msg: string; pid: number }>;
  stderr: () => string;
  /** Resolves when every process of the chain has closed its output (all exited). */
  closed: Promise<void>;
  waitFor(predicate: (line: Record<string, unknown> & { msg: string }) => boolean, timeoutMs?: number): Promise<Record<string, unknown> & { msg: string; pid: number }>;
}

function dirs() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-shutdown-'));
  return { root, INDEX_DIR: path.join(root, 'index'), DATA_DIR: path.join(root, 'data') };
}

/**
 * Starts the bot the way `npm start` does: a shell, then node running main.ts, either through
 * the tsx command (a relaying parent process, as `tsx src/discord/main.ts`) or with tsx's loader
 * in the bot's own process (`node --import tsx`, the shape of a compiled start too).
 */
function startBot(env: Record<string, string>, via: 'tsx-cli' | 'node' = 'node'): BotProcess {
  const command = via === 'tsx-cli' ? `"${process.execPath}" "${TSX}" src/discord/main.ts` : `"${process.execPath}" --import tsx src/discord/main.ts`;
  // A function, so that the shell stays as a process of its own (dash would exec a lone command).
  const launcher = spawn('sh', ['-c', `run() { ${command}; }; run`], {
    cwd: PROJECT_ROOT,
    detached: true, // its own process group, as a terminal or systemd gives it
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), DOTENV_CONFIG_PATH: path.join(os.tmpdir(), 'verbatim-no-such.env'), LOG_PRETTY: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(launcher);
  const lines: BotProcess['lines'] = [];
  let stderr = '';
  let buffer = '';
  const waiters: Array<() => void> = [];
  launcher.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part));
    for (const wake of waiters.splice(0)) wake();
  });
  launcher.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<void>((resolve) => launcher.stdout!.on('close', () => resolve()));
  return {
    launcher,
    lines,
    stderr: () => stderr,
    closed,
    async waitFor(predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out waiting for a log line; got: ${lines.map((l) => l.msg).join(' | ')}\n${stderr}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, 200))]);
      }
    },
  };
}

async function readyBot(env: Record<string, string> = {}, via: 'tsx-cli' | 'node' = 'node') {
  discord = await startFakeDiscord({ token: TOKEN, interactionAckTimeoutMs: 10_000 });
  await deployCommands({ rest: new REST({ api: discord.apiUrl, retries: 0, timeout: 2000 }).setToken(TOKEN), guildId: discord.guild.id });
  const d = dirs();
  const bot = startBot({ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: discord.apiUrl, INDEX_DIR: d.INDEX_DIR, DATA_DIR: d.DATA_DIR, ...env }, via);
  const ready = await bot.waitFor((l) => l.event === 'ready' || l.msg.startsWith('ready as'));
  return { bot, dirs: d, botPid: ready.pid };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process of the group is left (the bot, its engine process, a launcher). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What the user finally sees for an interaction: an answer, the restarting notice, something else (an apology), or nothing. */
async function outcomeOf(handle: ReturnType<FakeDiscord['sendSlashCommand']>): Promise<'answered' | 'restarting' | 'failed' | 'nothing'> {
  const restarting = () => handle.followUps.some((m) => (m.content ?? '').includes(RESTARTING_MESSAGE));
  try {
    const message = await handle.finalMessage({ timeoutMs: 15_000, quietMs: 100 });
    if ((message.content ?? '').includes(RESTARTING_MESSAGE) || restarting()) return 'restarting';
    return message.embeds?.[0]?.description?.startsWith('**Q:**') ? 'answered' : 'failed';
  } catch {
    return restarting() ? 'restarting' : 'nothing';
  }
}

describe('stopping the bot', () => {
  it.each(['tsx-cli', 'node'] as const)('exits, not orphaned, when only its launcher is killed (via %s)', async (via) => {
    const { bot, botPid } = await readyBot({}, via);
    expect(botPid).not.toBe(bot.launcher.pid);
    process.kill(bot.launcher.pid!, 'SIGKILL'); // the launcher dies without passing anything on
    await waitUntil(() => !alive(botPid));
    await bot.closed;
    // No orphan: neither the bot nor its engine process is left.
    await waitUntil(() => !groupAlive(bot.launcher.pid!));
    const messages = bot.lines.map((l) => l.msg);
    expect(messages).toContain('shutting down');
    expect(messages.at(-1)).toBe('stopped');
    expect(bot.lines.find((l) => l.msg === 'shutting down')?.reason).toMatch(/process that started the bot|parent/);
  }, 120_000);

  it('SIGTERM to the whole group during a burst: every interaction answered or told the bot is restarting; every recorded question answered', async () => {
    const { bot, dirs: d, botPid } = await readyBot();
    const handles: Array<ReturnType<FakeDiscord['sendSlashCommand']>> = [];
    const questions = ['Why did Russia recognize the Taliban?', 'What happens to journalists?', 'Which groups are vulnerable to persecution?'];
    for (let i = 0; i < 40; i++) {
      handles.push(discord!.sendSlashCommand({ name: 'ask', options: { question: questions[i % 3]! }, user: { username: `burst-${i}` } }));
      if (i === 20) killGroup(bot.launcher.pid!, 'SIGTERM'); // what systemd does
      await new Promise((r) => setTimeout(r, 5));
    }
    const outcomes = await Promise.all(handles.map(outcomeOf));
    await waitUntil(() => !alive(botPid));
    await bot.closed;
    await waitUntil(() => !groupAlive(bot.launcher.pid!));
    if (process.env.DEBUG_SHUTDOWN) console.log(outcomes.join(','), bot.lines.map((l) => `${l.msg} ${l.reason ?? ''}`), bot.stderr());
    // Everything sent before the signal is in flight: answered, or told the bot is restarting.
    // What Discord dispatches during the stop races the gateway's closing: on a loaded machine
    // some of it reaches nobody (Discord itself then tells the member it failed), so for those
    // only "never a wrong or half reply" holds, and at least one was told.
    expect(outcomes.slice(0, 21).filter((o) => o === 'nothing' || o === 'failed')).toEqual([]);
    expect(outcomes.filter((o) => o === 'failed')).toEqual([]);
    expect(outcomes.slice(21)).toContain('restarting');
    expect(outcomes.filter((o) => o === 'answered').length).toBeGreaterThan(0);
    const messages = bot.lines.map((l) => l.msg);
    expect(messages).toContain('shutting down');
    expect(messages).toContain('in-flight work ended');
    expect(messages.at(-1)).toBe('stopped');
    // One stop, not "second signal": the group's SIGTERM reaches the bot directly and relayed.
    expect(bot.lines.filter((l) => l.msg === 'exiting now')).toEqual([]);
    const db = new Database(path.join(d.DATA_DIR, 'verbatim.db'), { readonly: true });
    const recorded = (db.prepare('SELECT COUNT(*) AS n FROM questions').get() as { n: number }).n;
    db.close();
    expect(recorded).toBe(outcomes.filter((o) => o === 'answered').length);
    expect(fs.existsSync(path.join(d.DATA_DIR, 'verbatim.lock'))).toBe(false);
  }, 120_000);

  it('a second bot on the same data folder refuses with one line; a stale lock is taken over', async () => {
    const { bot, dirs: d, botPid } = await readyBot();
    const second = startBot({ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: discord!.apiUrl, INDEX_DIR: d.INDEX_DIR, DATA_DIR: d.DATA_DIR });
    const code = await new Promise<number | null>((resolve) => second.launcher.on('exit', resolve));
    expect(code).toBe(1);
    expect(second.stderr().trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^error: another Verbatim bot \\(pid ${botPid}\\) is already using this data folder`))]);
    expect(second.lines.map((l) => l.msg)).not.toContain('loading the model and the index');

    killGroup(bot.launcher.pid!, 'SIGKILL'); // no chance to remove its lock
    await waitUntil(() => !alive(botPid));
    expect(fs.existsSync(path.join(d.DATA_DIR, 'verbatim.lock'))).toBe(true);
    const third = startBot({ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: discord!.apiUrl, INDEX_DIR: d.INDEX_DIR, DATA_DIR: d.DATA_DIR });
    await third.waitFor((l) => l.msg === 'storage opened');
    killGroup(third.launcher.pid!, 'SIGTERM');
    await third.closed;
  }, 120_000);
});

describe('settings that cannot work end at once with exit code 78 and one line', () => {
  async function run(env: Record<string, string>) {
    const bot = startBot({ DISCORD_API_URL: 'http://127.0.0.1:9/api', ...env });
    const code = await new Promise<number | null>((resolve) => bot.launcher.on('exit', resolve));
    await bot.closed;
    return { code, stderr: bot.stderr(), messages: bot.lines.map((l) => l.msg) };
  }

  it('a DATA_DIR that cannot be created (/proc)', async () => {
    const result = await run({ DISCORD_TOKEN: 'x', DATA_DIR: '/proc/verbatim-data', INDEX_DIR: dirs().INDEX_DIR });
    expect(result.code).toBe(78);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('/proc/verbatim-data')]);
    expect(result.messages).not.toContain('loading the model and the index');
  }, 60_000);

  it.each([['a line break', 'abc.def\nghi'], ['a space', 'abc def.ghi'], ['a control character', 'abc\u0007def']])('a token with %s, never printed', async (_name, token) => {
    const result = await run({ DISCORD_TOKEN: token, ...dirs() });
    expect(result.code).toBe(78);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: DISCORD_TOKEN contains/)]);
    expect(result.stderr).not.toContain(token);
    expect(result.messages).not.toContain('loading the model and the index');
  }, 60_000);
});
