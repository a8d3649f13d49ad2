/**
 * `npm start`: settings → logger → storage → engine (model and index) → Discord client →
 * login. Configuration mistakes end with a few readable lines on stderr and exit code 78
 * (EX_CONFIG, so a supervisor does not restart in a loop); no stack traces for them.
 * SIGTERM, SIGINT, SIGHUP, or the launching process (npm, tsx, a shard manager) going away:
 * stop accepting work, finish or politely end what is in flight (bounded), close the gateway,
 * the engine and storage, flush the logs, exit (see stopSignals.ts). One bot per DATA_DIR
 * (a lock file).
 */
import path from 'node:path';
import { engineOptionsFrom, loadBotConfig } from '../config.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { VerbatimError } from '../core/errors.js';
import type { IndexManifest } from '../core/index/indexStore.js';
import { createLogger, type Logger } from '../logger.js';
import { parseScriptArgs } from '../cli/scriptArgs.js';
import { EXIT } from '../exitCodes.js';
import { startHealthServer } from './health.js';
import { EXIT_FAILED, explainLoginError, reportFailure, runEntryPoint, settingsWithToken } from './startupErrors.js';
import { watchForStop } from './stopSignals.js';
import { SHUTDOWN_GRACE_MS } from './inFlight.js';
import { DataDirLockedError, lockDataDir, type DataDirLock } from '../storage/dataDirLock.js';
import type { Bot } from './createBot.js';

/** Beyond the grace period for in-flight work, what closing the rest may take before the process exits regardless. */
const CLOSE_TIMEOUT_MS = 5000;

export const USAGE = `Usage: npm start

Runs the Discord bot. It takes no arguments: every setting comes from the environment or
.env (see .env.example), DISCORD_TOKEN first. Exit codes: 0 stopped, 1 failed, 78 the
settings need fixing (a supervisor should not restart).`;

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const args = parseScriptArgs(argv, USAGE, {});
  if (typeof args === 'number') return args;
  const settings = settingsWithToken(loadBotConfig, 'npm start');
  if (typeof settings === 'number') return settings;
  const { config, token } = settings;

  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, fd: 1, name: 'verbatim-bot' });
  // Before anything slow: a second bot on this data folder, or a folder that cannot be, is one line and exit 78.
  const dataDir = path.resolve(PROJECT_ROOT, config.DATA_DIR);
  let lock: DataDirLock | undefined;
  try {
    lock = lockDataDir(dataDir, lockName(process.env.SHARDS));
  } catch (error) {
    // A folder that cannot be created is for storage to report, naming its file (next).
    if (!(error instanceof DataDirLockedError)) lock = undefined;
    else {
      logger.fatal({ dataDir }, error.message);
      await flush(logger);
      return reportFailure(error.message, EXIT_FAILED);
    }
  }
  const closers: Array<() => Promise<void> | void> = [() => lock?.release()];
  const cleanUp = async () => {
    for (const close of closers.reverse()) await Promise.resolve().then(close).catch((err: unknown) => logger.warn({ err }, 'error while shutting down'));
    closers.length = 0;
    logger.info('stopped');
    await flush(logger);
  };

  // discord.js and the engine are imported only now: a missing token answers instantly.
  const [{ EngineClient }, { DocumentLibrary }, { openStorage, StorageError }, { createBot }] = await Promise.all([
    import('../core/engineProcess.js'),
    import('../core/library/documentLibrary.js'),
    import('../storage/index.js'),
    import('./createBot.js'),
  ]);

  // Liveness (HEALTH_PORT): answers from the start, 503 until the index is loaded and the gateway ready.
  const live: { indexLoaded: boolean; client?: { isReady(): boolean } } = { indexLoaded: false };
  if (config.HEALTH_PORT) {
    try {
      const health = await startHealthServer({ port: config.HEALTH_PORT, host: config.HEALTH_HOST, status: () => ({ indexLoaded: live.indexLoaded, gatewayReady: live.client?.isReady() ?? false }) });
      closers.push(() => health.close());
      logger.info({ host: config.HEALTH_HOST, port: health.port }, 'health endpoint listening on /healthz');
    } catch (error) {
      await cleanUp();
      return reportFailure(`cannot listen on HEALTH_HOST ${config.HEALTH_HOST} port ${config.HEALTH_PORT} for /healthz (${(error as { code?: string }).code ?? (error as Error).message}): choose another HEALTH_PORT, or unset it.`, EXIT.config);
    }
  }

  try {
    // The settings in force, for whoever reads the log; the token is redacted by the logger.
    logger.debug({ config }, 'settings');
    // Storage first: a corrupt or unwritable database is reported in milliseconds, before
    // the model loads, and ends with exit code 78 (no restart loop).
    const storage = openStorage(dataDir, { logger, defaults: { maxQuestionLength: config.MAX_QUESTION_LENGTH } });
    closers.push(() => storage.close());
    logger.info({ file: storage.file }, 'storage opened');

    // From here on a stop request is honoured gracefully (before the bot exists: at once).
    let bot: Bot | undefined;
    watchForStop({
      stop: (reason) => {
        logger.info({ reason }, 'shutting down');
        const deadline = setTimeout(() => {
          logger.error({ reason }, 'shutting down took too long: exiting now');
          logger.flush(() => process.exit(EXIT_FAILED));
        }, SHUTDOWN_GRACE_MS + CLOSE_TIMEOUT_MS);
        deadline.unref();
        void (async () => {
          if (bot) {
            const outcome = await bot.stop().catch((err: unknown) => logger.warn({ err }, 'error while stopping the bot'));
            if (outcome) logger.info(outcome, 'in-flight work ended');
          }
          await cleanUp();
          process.exit(0);
        })();
      },
      force: (reason) => {
        logger.warn({ reason }, 'exiting now');
        lock?.release();
        logger.flush(() => process.exit(EXIT_FAILED));
      },
    });

    logger.info({ corpus: config.CORPUS_DIR, index: config.INDEX_DIR }, 'loading the model and the index');
    const started = performance.now();
    // In a process of its own: its computation never stalls the bot's event loop (see engineProcess.ts).
    const engine = await EngineClient.open({
      ...engineOptionsFrom(config),
      logger,
      // Without its engine the bot can only apologise: exit, so that the supervisor starts it afresh.
      onCrash: (reason) => {
        logger.fatal({}, reason);
        lock?.release();
        logger.flush(() => process.exit(EXIT_FAILED));
      },
    });
    closers.push(() => engine.close());
    logger.info({ ms: Math.round(performance.now() - started), documents: engine.documents().length, rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) }, 'engine loaded');
    logIndex(logger, engine.manifest, engine.rebuiltBecause);
    live.indexLoaded = true;

    // Servers' own documents: their indexes load when first asked, with a model of their own
    // in this process, loaded the first time a server's document is opened (the shared
    // corpus's engine runs in its own process and cannot lend its model).
    const library = new DocumentLibrary({
      root: path.resolve(PROJECT_ROOT, config.DATA_DIR, 'documents'),
      embedder: async () => (await import('../core/embed/loadEmbedder.js')).loadEmbedder(engineOptionsFrom(config).embedder),
      maxFileBytes: Math.floor(config.DOCUMENT_MAX_MB * 1024 * 1024),
      maxDocumentsPerGroup: config.DOCUMENTS_PER_SERVER,
      maxLoaded: config.DOCUMENT_INDEXES_LOADED,
      logger,
    });
    closers.push(() => library.close());

    bot = createBot({ engine, config, logger, storage, library });
    live.client = bot.client;
    // One failing handler must not take the bot down for everyone: log it and keep serving.
    process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
    await bot.start(token);
    return 0;
  } catch (error) {
    const explained = explainLoginError(error, config);
    if (explained || error instanceof VerbatimError || error instanceof StorageError) {
      const message = explained?.message ?? (error as Error).message;
      logger.fatal({ code: (error as { code?: unknown }).code }, message);
      await cleanUp();
      return reportFailure(message, error instanceof StorageError ? error.exitCode : (explained?.exitCode ?? EXIT_FAILED));
    }
    logger.fatal({ err: error }, 'could not start');
    await cleanUp();
    return EXIT_FAILED;
  }
}

/**
 * Says which index answers, and loudly when it was built at this start-up: the engine
 * rebuilds an index that is missing or out of date (changed documents, model or chunking;
 * its warning just before says which) before the bot logs in.
 */
function logIndex(logger: Logger, manifest: IndexManifest, rebuiltBecause: string | undefined): void {
  const rebuilt = rebuiltBecause !== undefined;
  const fields = { event: 'index', rebuilt, ...(rebuilt ? { reason: rebuiltBecause } : {}), buildId: manifest.buildId, createdAt: manifest.createdAt, ...manifest.counts };
  if (rebuilt) logger.warn(fields, 'the index was missing or out of date, so it was rebuilt at start-up; answers use the documents as they are now');
  else logger.info(fields, 'the index is up to date with the documents');
}

/** The lock file of this process: one per shard when a shard manager started it (SHARDS is its list of shard ids). */
export function lockName(shards: string | undefined): string {
  const ids = shards ? (shards.match(/\d+/g) ?? []) : [];
  return ids.length > 0 ? `verbatim-shard-${ids.join('-')}.lock` : 'verbatim.lock';
}

function flush(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

runEntryPoint(import.meta.url, main);
