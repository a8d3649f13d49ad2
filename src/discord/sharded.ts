/**
 * `npm run start:sharded`: discord.js's ShardingManager runs one bot process (src/discord/main.ts)
 * per shard. Each process loads its own engine, so memory grows by one bot's RSS per shard
 * (see the README for the measured figure). SHARD_COUNT=auto asks Discord (through
 * DISCORD_API_URL when set) for its recommendation.
 */
import { fileURLToPath } from 'node:url';
import { REST, Routes, ShardingManager, type RESTGetAPIGatewayBotResult } from 'discord.js';
import { loadBotConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { parseScriptArgs } from '../cli/scriptArgs.js';
import { SHUTDOWN_GRACE_MS } from './inFlight.js';
import { EXIT_FAILED, explainLoginError, reportFailure, runEntryPoint, settingsWithToken } from './startupErrors.js';

/** Compiled (`npm start:sharded` runs dist/) or the sources through tsx (tests, `npm run dev`). */
const COMPILED = import.meta.url.endsWith('.js');
const BOT_ENTRY = fileURLToPath(new URL(COMPILED ? './main.js' : './main.ts', import.meta.url));
/** Shards start in turn; each loads the model first, so allow it time. */
const SPAWN_TIMEOUT_MS = 120_000;

export const USAGE = `Usage: npm run start:sharded

Runs the Discord bot as one process per shard (SHARD_COUNT, default auto: Discord's
recommendation). It takes no arguments: every setting comes from the environment or .env.`;

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const args = parseScriptArgs(argv, USAGE, {});
  if (typeof args === 'number') return args;
  const settings = settingsWithToken(loadBotConfig, 'npm run start:sharded');
  if (typeof settings === 'number') return settings;
  const { config, token } = settings;
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, fd: 1, name: 'verbatim-shards' });

  let totalShards: number;
  try {
    totalShards = config.SHARD_COUNT === 'auto' ? await recommendedShards(token, config.DISCORD_API_URL) : config.SHARD_COUNT;
  } catch (error) {
    const explained = explainLoginError(error, config) ?? { message: `could not ask Discord how many shards to run: ${(error as Error).message}`, exitCode: EXIT_FAILED };
    return reportFailure(explained.message, explained.exitCode);
  }

  let stopping = false;
  // Children run what the manager runs: the compiled entry, or the TypeScript one through tsx.
  const execArgv = COMPILED ? ['--enable-source-maps'] : ['--import', 'tsx'];
  const manager = new ShardingManager(BOT_ENTRY, { token, totalShards, execArgv, respawn: true, mode: 'process' });
  manager.on('shardCreate', (shard) => {
    logger.info({ shardId: shard.id, totalShards }, 'shard starting');
    shard.on('death', (child) => {
      const fields = { shardId: shard.id, exitCode: 'exitCode' in child ? child.exitCode : null };
      if (stopping) logger.info(fields, 'shard stopped');
      else logger.warn(fields, 'shard exited; it will be restarted');
    });
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(EXIT_FAILED);
    stopping = true;
    logger.info({ signal }, 'stopping every shard');
    manager.respawn = false;
    // Each shard handles SIGTERM itself: it closes its gateway connection and flushes its logs.
    for (const shard of manager.shards.values()) shard.process?.kill('SIGTERM');
    // Each shard finishes its in-flight work first (up to its grace period), then closes.
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS + 5000).unref();
    const wait = [...manager.shards.values()].map((s) => new Promise((resolve) => (s.process && s.process.exitCode === null ? s.process.once('exit', resolve) : resolve(null))));
    void Promise.all(wait).then(() => logger.flush(() => process.exit(0)));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  await manager.spawn({ amount: totalShards, timeout: SPAWN_TIMEOUT_MS });
  logger.info({ totalShards }, 'every shard is ready');
  return 0;
}

async function recommendedShards(token: string, api: string | undefined): Promise<number> {
  const rest = new REST({ ...(api ? { api } : {}), retries: 1 }).setToken(token);
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return Math.max(1, gateway.shards);
}

runEntryPoint(import.meta.url, main);
