/**
 * Opens the engine for a command: settings from the environment, `--doc`/`--corpus` mapped
 * to a corpus and its own cached index, a progress bar while indexing.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { engineOptionsFrom, loadEngineConfig } from '../config.js';
import { Verbatim, type VerbatimOptions } from '../core/engine.js';
import { DEFAULT_CACHE_DIR } from '../core/paths.js';
import type { Logger, ProgressHook } from '../core/types.js';
import type { CliIO } from './io.js';

export interface CorpusChoice {
  /** A single document to ask about instead of the bundled corpus. */
  doc?: string;
  /** A folder of documents to ask about instead of the bundled corpus. */
  corpus?: string;
}

/** Other corpora get an index of their own, keyed by their absolute path, so none overwrites another. */
export function cachedIndexDir(target: string): string {
  const key = createHash('sha256').update(path.resolve(target)).digest('hex').slice(0, 16);
  return path.join(DEFAULT_CACHE_DIR, 'indexes', key);
}

/** The command line's log: warnings as plain lines on stderr (the bot logs JSON with pino). */
export function terminalLogger(io: CliIO, verbose = false): Logger {
  const line = (level: string) => (fields: object, message?: string) => io.stderr(`${level}: ${message ?? JSON.stringify(fields)}\n`);
  return { debug() {}, info: verbose ? line('info') : () => {}, warn: line('note'), error: line('error') };
}

export function progressBar(io: CliIO): ProgressHook & { stop(): void } {
  let bar: cliProgress.SingleBar | undefined;
  let announced = false;
  const hook = (event: { phase: string; done: number; total: number }) => {
    if (!io.isTTY) {
      if (!announced) io.stderr(`Indexing: embedding ${event.total} chunks…\n`);
      announced = true;
      return;
    }
    if (!bar) {
      bar = new cliProgress.SingleBar({ format: 'Indexing |{bar}| {value}/{total} chunks | {eta}s left', stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
      bar.start(event.total, event.done);
    }
    bar.update(event.done);
  };
  return Object.assign(hook, { stop: () => bar?.stop() });
}

export async function openEngine(choice: CorpusChoice, io: CliIO, extra: Partial<VerbatimOptions> = {}): Promise<Verbatim> {
  const config = loadEngineConfig();
  const base = engineOptionsFrom(config);
  const target = choice.doc ?? choice.corpus;
  const progress = progressBar(io);
  try {
    return await Verbatim.open({
      ...base,
      ...(target ? { corpus: path.resolve(target), indexDir: cachedIndexDir(target) } : {}),
      logger: terminalLogger(io, config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace'),
      onProgress: progress,
      ...extra,
    });
  } finally {
    progress.stop();
  }
}
