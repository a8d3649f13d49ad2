/**
 * `npm start`: settings → logger → storage → engine (model and index) → Discord client →
 * login. Configuration mistakes end with a few readable lines on stderr and exit code 78
 * (EX_CONFIG, so a supervisor does not restart in a loop); no stack traces for them.
 * SIGINT/SIGTERM close the gateway, the engine and storage, and flush the logs.
 */
import path from 'node:path';
import { engineOptionsFrom, loadBotConfig } from '../config.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { VerbatimError } from '../core/errors.js';
import type { IndexManifest } from '../core/index/indexStore.js';
import { createLogger, type Logger } from '../logger.js';
import { EXIT_FAILED, explainLoginError, reportFailure, runEntryPoint, settingsWithToken } from './startupErrors.js';

export async function main(): Promise<number> {
  const settings = settingsWithToken(loadBotConfig, 'npm start');
  if (typeof settings === 'number') return settings;
  const { config, token } = settings;

  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, fd: 1, name: 'verbatim-bot' });
  const closers: Array<() => Promise<void> | void> = [];
  const cleanUp = async () => {
    for (const close of closers.reverse()) await Promise.resolve().then(close).catch((err: unknown) => logger.warn({ err }, 'error while shutting down'));
    closers.length = 0;
    logger.info('stopped');
    await flush(logger);
  };

  // discord.js and the engine are imported only now: a missing token answers instantly.
  const [{ Verbatim }, { DocumentLibrary }, { openStorage, StorageError }, { createBot }] = await Promise.all([
    import('../core/engine.js'),
    import('../core/library/documentLibrary.js'),
    import('../storage/index.js'),
    import('./createBot.js'),
  ]);

  try {
    // The settings in force, for whoever reads the log; the token is redacted by the logger.
    logger.debug({ config }, 'settings');
    // Storage first: a corrupt or unwritable database is reported in milliseconds, before
    // the model loads, and ends with exit code 78 (no restart loop).
    const storage = openStorage(path.resolve(PROJECT_ROOT, config.DATA_DIR), { logger, defaults: { maxQuestionLength: config.MAX_QUESTION_LENGTH } });
    closers.push(() => storage.close());
    logger.info({ file: storage.file }, 'storage opened');

    logger.info({ corpus: config.CORPUS_DIR, index: config.INDEX_DIR }, 'loading the model and the index');
    const started = performance.now();
    const engine = await Verbatim.open({ ...engineOptionsFrom(config), logger });
    closers.push(() => engine.close());
    logger.info({ ms: Math.round(performance.now() - started), documents: engine.documents().length, rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) }, 'engine loaded');
    logIndex(logger, engine.manifest, engine.rebuiltBecause);

    // Servers' own documents share the model loaded above; their indexes load when first asked.
    const library = new DocumentLibrary({
      root: path.resolve(PROJECT_ROOT, config.DATA_DIR, 'documents'),
      embedder: engine.embedder,
      maxFileBytes: Math.floor(config.DOCUMENT_MAX_MB * 1024 * 1024),
      maxDocumentsPerGroup: config.DOCUMENTS_PER_SERVER,
      maxLoaded: config.DOCUMENT_INDEXES_LOADED,
      logger,
    });
    closers.push(() => library.close());

    const bot = createBot({ engine, config, logger, storage, library });
    closers.push(() => bot.stop());
    handleSignals(logger, cleanUp);
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

function handleSignals(logger: Logger, cleanUp: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(EXIT_FAILED);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void cleanUp().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // One failing handler must not take the bot down for everyone: log it and keep serving.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

function flush(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

runEntryPoint(import.meta.url, main);
