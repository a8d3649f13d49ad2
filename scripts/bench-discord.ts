/**
 * `npm run bench:discord`: the bot's speed through the local fake Discord (a measurement,
 * not a test; nothing leaves 127.0.0.1).
 *
 * 1. The engine's own query time (in process) on the seed question set: p50 / p95.
 * 2. `/ask` round trips through the fake gateway, one at a time: from the INTERACTION_CREATE
 *    dispatch to the bot's callback arriving at the fake's REST API. p50 / p95, and the
 *    overhead over the engine (goal: p50 within 5 ms of the engine's p50).
 * 3. 200 `/ask` interactions dispatched at once: every one answered, none later than 3 s
 *    (replies or defers), and how many needed a defer.
 * 4. Memory: RSS of one bot process (`src/discord/main.ts`, model and index loaded, logged
 *    in to its own fake), after start-up and after answering questions. A sharded bot uses
 *    about this much per shard.
 *
 *   --rounds N   sequential round trips (default 300)
 *   --burst N    interactions sent at once (default 200)
 *   --no-rss     skip the child-process memory measurement
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { intOption } from '../src/cli/command.js';
import { parseScriptArgs } from '../src/cli/scriptArgs.js';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { REST } from 'discord.js';
import { botSchema, parseConfig } from '../src/config.js';
import { Verbatim } from '../src/core/engine.js';
import { PROJECT_ROOT } from '../src/core/paths.js';
import { REDACT_PATHS } from '../src/logger.js';
import { createBot } from '../src/discord/createBot.js';
import { deployCommands } from '../src/discord/deployCommands.js';
import { startFakeDiscord, type FakeDiscord } from '../test/fake-discord/index.js';

const TOKEN = 'bench-token';

const USAGE = `Usage: npm run bench:discord -- [--rounds N] [--burst N] [--no-rss]

The bot's speed through the local fake Discord (nothing leaves 127.0.0.1).

  --rounds N   sequential /ask round trips (default 300)
  --burst N    interactions sent at once (default 200)
  --no-rss     skip the child-process memory measurement`;

const args = parseScriptArgs(
  process.argv.slice(2),
  USAGE,
  { rounds: { type: 'string', default: '300' }, burst: { type: 'string', default: '200' }, 'no-rss': { type: 'boolean', default: false } },
  { check: ({ values }) => void [intOption('rounds', values.rounds, 1, 100_000), intOption('burst', values.burst, 1, 10_000)] },
);
if (typeof args === 'number') process.exit(args);
const { values } = args;
const ROUNDS = Number(values.rounds);
const BURST = Number(values.burst);

const questions = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/eval/seed.questions.json'), 'utf8')) as { question: string }[]).map((q) => q.question);

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (n: number) => `${n.toFixed(2)} ms`;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-bench-'));

async function deploy(discord: FakeDiscord): Promise<void> {
  await deployCommands({ rest: new REST({ api: discord.apiUrl, retries: 0 }).setToken(TOKEN), guildId: discord.guild.id });
}

async function main(): Promise<void> {
  console.log(`Verbatim Discord bench: node ${process.version}, ${os.cpus().length} cores, ${questions.length} questions\n`);
  const engine = await Verbatim.open({ indexDir: path.join(tmp(), 'index') });

  // 1. The engine alone (warmed up first, as the bot's would be after a few questions).
  for (const q of questions) await engine.ask(q);
  const engineTimes: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await engine.ask(questions[i % questions.length]!, { top: 3 });
    engineTimes.push(performance.now() - started);
  }

  // 2. Round trips through the fake gateway, one at a time.
  // As many members as the burst has interactions: one member has one question in flight at a time.
  const members = Array.from({ length: BURST }, (_, i) => ({ user: { username: `member${i}` } }));
  const discord = await startFakeDiscord({ token: TOKEN, guilds: [{ members }] });
  await deploy(discord);
  const config = parseConfig(botSchema, { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: discord.apiUrl });
  const logger = pino({ level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, pino.destination({ dest: '/dev/null', sync: false }));
  const bot = createBot({ engine, config, logger }, { rest: { retries: 0 } });
  await bot.start(TOKEN);

  const users = discord.guild.members.filter((m) => !m.user.bot).map((m) => m.user.id);
  for (let i = 0; i < 20; i++) await discord.sendSlashCommand({ name: 'ask', options: { question: questions[i % questions.length]! } }).finalMessage({ quietMs: 0 });
  const roundTrips: number[] = [];
  const visible: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    const handle = discord.sendSlashCommand({ name: 'ask', options: { question: questions[i % questions.length]! }, user: users[i % users.length] });
    const callback = await handle.firstResponse();
    if (callback.type !== 4) throw new Error(`round ${i}: expected a direct reply, got type ${callback.type}`);
    roundTrips.push(callback.ms);
    visible.push(performance.now() - started);
  }

  // 3. A burst: every interaction dispatched in the same tick.
  const burstStarted = performance.now();
  const handles = Array.from({ length: BURST }, (_, i) =>
    discord.sendSlashCommand({ name: 'ask', options: { question: questions[i % questions.length]! }, user: users[i % users.length] }),
  );
  const outcomes = await Promise.allSettled(handles.map(async (h) => ({ first: await h.firstResponse(5000), final: await h.finalMessage({ quietMs: 0, timeoutMs: 10_000 }) })));
  const burstMs = performance.now() - burstStarted;
  const answered = outcomes.filter((o) => o.status === 'fulfilled' && (o.value.final.embeds.length > 0));
  const firstMs = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.first.ms] : []));
  const deferred = outcomes.filter((o) => o.status === 'fulfilled' && o.value.first.type === 5).length;
  const unhandled = discord.unhandled.length;
  await bot.stop();
  await discord.close();

  const engineP50 = percentile(engineTimes, 50);
  const tripP50 = percentile(roundTrips, 50);
  console.log('engine.ask (in process)');
  console.log(`  p50 ${ms(engineP50)}   p95 ${ms(percentile(engineTimes, 95))}   (${ROUNDS} questions)`);
  console.log('/ask round trip: gateway dispatch -> interaction callback at the REST API');
  console.log(`  p50 ${ms(tripP50)}   p95 ${ms(percentile(roundTrips, 95))}   max ${ms(Math.max(...roundTrips))}`);
  console.log(`  until the reply is visible in the fake: p50 ${ms(percentile(visible, 50))}   p95 ${ms(percentile(visible, 95))}`);
  console.log(`  overhead over the engine at p50: ${ms(tripP50 - engineP50)} (goal: <= 5 ms) ${tripP50 - engineP50 <= 5 ? 'OK' : 'OVER'}`);
  console.log(`${BURST} interactions at once`);
  console.log(`  answered ${answered.length}/${BURST}   first response p50 ${ms(percentile(firstMs, 50))}   p95 ${ms(percentile(firstMs, 95))}   max ${ms(Math.max(...firstMs))}`);
  console.log(`  deferred ${deferred}   all answered after ${ms(burstMs)}   none later than 3 s: ${Math.max(...firstMs) < 3000 && answered.length === BURST ? 'OK' : 'NO'}`);
  console.log(`  requests the fake did not know: ${unhandled}`);
  await engine.close();

  // 4. One bot process with the model loaded, as `npm start` runs it.
  if (!values['no-rss']) {
    const rss = await measureBotProcess();
    console.log('memory of one bot process (src/discord/main.ts)');
    console.log(`  RSS after ready ${rss.ready} MB   after ${rss.questions} questions ${rss.afterQuestions} MB`);
  }
}

function rssMB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}

async function measureBotProcess(): Promise<{ ready: number; afterQuestions: number; questions: number }> {
  // As many members as the burst has interactions: one member has one question in flight at a time.
  const members = Array.from({ length: BURST }, (_, i) => ({ user: { username: `member${i}` } }));
  const discord = await startFakeDiscord({ token: TOKEN, guilds: [{ members }] });
  await deploy(discord);
  const dirs = tmp();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/discord/main.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DOTENV_CONFIG_PATH: path.join(dirs, 'none.env'), DISCORD_TOKEN: TOKEN, DISCORD_API_URL: discord.apiUrl, INDEX_DIR: path.join(dirs, 'index'), DATA_DIR: path.join(dirs, 'data'), LOG_PRETTY: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await discord.waitForIdentify({ timeoutMs: 60_000 });
    const started = performance.now();
    while (performance.now() - started < 10_000) {
      try {
        await discord.sendSlashCommand({ name: 'ask', options: { question: questions[0]! } }).finalMessage({ quietMs: 0, timeoutMs: 2000 });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100)); // READY not processed yet
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    const ready = rssMB(child.pid!);
    const count = 300;
    for (let i = 0; i < count; i++) await discord.sendSlashCommand({ name: 'ask', options: { question: questions[i % questions.length]! } }).finalMessage({ quietMs: 0 });
    const afterQuestions = rssMB(child.pid!);
    return { ready, afterQuestions, questions: count };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await discord.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
