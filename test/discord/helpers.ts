/**
 * Shared set-up for the bot's end-to-end tests: a real engine (on a temporary index), the
 * real bot from createBot, the real deploy step, and a fake Discord on a free port.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { REST } from 'discord.js';
import { botSchema, parseConfig, type BotConfig } from '../../src/config.js';
import { Verbatim } from '../../src/core/engine.js';
import { DEFAULT_CORPUS_DIR } from '../../src/core/paths.js';
import type { Answer, AskOptions, VerbatimEngine } from '../../src/core/types.js';
import { LOGGER_OPTIONS } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/discord/createBot.js';
import { deployCommands } from '../../src/discord/deployCommands.js';
import type { Scheduler } from '../../src/discord/scheduler.js';
import type { BotDeps } from '../../src/discord/types.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from '../fake-discord/index.js';

export const TOKEN = 'fake-bot-token.SECRET-abc123';

/**
 * Opens the engine on the bundled corpus (or extra documents too), with its index in a temp
 * folder. `copyCorpus`: on a copy of the corpus (its folder is `corpusDir`), for tests that
 * change the documents.
 */
export async function openTestEngine({ extraDocuments = [], copyCorpus = false }: { extraDocuments?: string[]; copyCorpus?: boolean } = {}): Promise<Verbatim & { corpusDir: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-discord-'));
  let corpus = DEFAULT_CORPUS_DIR;
  if (extraDocuments.length || copyCorpus) {
    corpus = path.join(root, 'corpus');
    fs.cpSync(DEFAULT_CORPUS_DIR, corpus, { recursive: true });
    for (const file of extraDocuments) fs.copyFileSync(file, path.join(corpus, path.basename(file)));
  }
  const engine = await Verbatim.open({ corpus, indexDir: path.join(root, 'index') });
  return Object.assign(engine, { corpusDir: corpus });
}

/** An engine whose `ask` is wrapped (slowed down, made to fail); everything else is the real one. */
export function wrapEngine(engine: BotDeps['engine'], ask: (question: string, options: AskOptions | undefined, real: VerbatimEngine['ask']) => Promise<Answer>): BotDeps['engine'] {
  return {
    reindex: (options) => engine.reindex(options),
    corpusChanged: () => engine.corpusChanged(),
    ask: (question, options) => ask(question, options, (q, o) => engine.ask(q, o)),
    sections: () => engine.sections(),
    sectionText: (...args) => engine.sectionText(...args),
    summarise: (...args) => engine.summarise(...args),
    quiz: (...args) => engine.quiz(...args),
    documents: () => engine.documents(),
    textAt: (...args) => engine.textAt?.(...args),
    close: async () => {},
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger like the bot's (same redaction and serializers), writing JSON lines into memory. */
export function memoryLogger(): { logger: pino.Logger; lines: LogLine[]; text: () => string } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'debug', ...LOGGER_OPTIONS }, stream);
  return {
    logger,
    get lines() {
      return raw.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
    },
    text: () => raw.join(''),
  };
}

export function testConfig(env: Record<string, string> = {}): BotConfig {
  return parseConfig(botSchema, { DISCORD_TOKEN: TOKEN, LOG_LEVEL: 'debug', ...env });
}

/**
 * A scheduler whose clock the test moves: `advance(ms)` runs the tasks that became due (a
 * quiz closing) and resolves when they finished. Its clock starts at the real time.
 */
export function manualScheduler(): Scheduler & { advance(ms: number): Promise<void>; pending(): number } {
  let offset = 0;
  const tasks: Array<{ time: number; task: () => unknown; done: boolean }> = [];
  const now = () => Date.now() + offset;
  return {
    now,
    at(time, task) {
      const entry = { time, task, done: false };
      tasks.push(entry);
      return () => {
        entry.done = true;
      };
    },
    async advance(ms) {
      offset += ms;
      const due = tasks.filter((t) => !t.done && t.time <= now());
      for (const t of due) t.done = true;
      await Promise.all(due.map((t) => t.task()));
    },
    pending: () => tasks.filter((t) => !t.done).length,
  };
}

export interface RunningBot {
  discord: FakeDiscord;
  bot: Bot;
  deps: BotDeps;
  logs: ReturnType<typeof memoryLogger>;
  /** Stops the bot and the fake (and closes the storage it opened from `dataDir`). */
  stop(): Promise<void>;
  /**
   * A second bot process on the same fake (a restart): same engine, new client. With
   * `dataDir`, the storage is closed and opened again from the same folder, as a new process would.
   */
  restart(options?: { whileStopped?: () => unknown }): Promise<Bot>;
}

/** Starts a fake Discord, deploys the commands to its guild, and logs the real bot in. */
export async function startBot({
  engine,
  env = {},
  fake = {},
  storage,
  dataDir,
  scheduler,
  library,
}: {
  engine: BotDeps['engine'];
  /** Servers' own documents (/documents); a function makes a new one at each (re)start, as a new process would. */
  library?: () => NonNullable<BotDeps['library']>;
  env?: Record<string, string>;
  fake?: FakeDiscordOptions;
  storage?: Storage;
  /** Open storage in this folder (and reopen it on restart). */
  dataDir?: string;
  scheduler?: Scheduler;
}): Promise<RunningBot> {
  const discord = await startFakeDiscord({ token: TOKEN, ...fake });
  const logs = memoryLogger();
  const config = testConfig({ DISCORD_API_URL: discord.apiUrl, ...env });
  const openOwn = () => (dataDir ? openStorage(dataDir, { purgeIntervalMs: 0, logger: logs.logger }) : storage);
  let deps: BotDeps = { engine, config, logger: logs.logger };
  await deployCommands({ rest: new REST({ api: discord.apiUrl, retries: 0, timeout: 2000 }).setToken(TOKEN), guildId: discord.guild.id });
  const launch = async () => {
    const current = deps.storage ?? openOwn();
    await deps.library?.close();
    deps = { engine, config, logger: logs.logger, ...(current ? { storage: current } : {}), ...(scheduler ? { scheduler } : {}), ...(library ? { library: library() } : {}) };
    const bot = createBot(deps, { rest: { retries: 0, timeout: 2000 }, waitGuildTimeout: 1000 });
    await bot.start(TOKEN);
    return bot;
  };
  let bot = await launch();
  return {
    discord,
    get bot() {
      return bot;
    },
    get deps() {
      return deps;
    },
    logs,
    async stop() {
      await bot.stop();
      await deps.library?.close();
      await discord.close();
      if (dataDir) deps.storage?.close();
    },
    async restart({ whileStopped } = {}) {
      await bot.stop();
      if (dataDir) {
        deps.storage?.close();
        deps = { ...deps, storage: undefined };
      }
      await whileStopped?.();
      bot = await launch();
      return bot;
    },
  };
}
