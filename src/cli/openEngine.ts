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

/** What each indexing phase is called on the terminal, and what it counts. */
const PHASES: Record<string, { label: string; unit: string }> = {
  parsing: { label: 'parsing', unit: 'files' },
  embedding: { label: 'embedding', unit: 'texts' },
  calibrating: { label: 'calibrating refusals', unit: '' },
  writing: { label: 'writing the index', unit: '' },
};

/**
 * Indexing progress: on a terminal, a bar for embedding (texts, texts per second, time
 * left) and a line per other phase; elsewhere (logs, pipes) one line per phase.
 */
export function progressBar(io: CliIO): ProgressHook & { stop(): void } {
  let bar: cliProgress.SingleBar | undefined;
  let phase = '';
  let started = 0;
  const hook = (event: { phase: string; done: number; total: number }) => {
    const { label, unit } = PHASES[event.phase] ?? { label: event.phase, unit: '' };
    if (event.phase !== phase) {
      bar?.stop();
      bar = undefined;
      phase = event.phase;
      started = performance.now();
      if (!(io.isTTY && event.phase === 'embedding' && event.total > 0)) {
        const count = unit && event.total > 0 ? ` ${event.total} ${event.total === 1 ? unit.replace(/s$/, '') : unit}` : '';
        io.stderr(`Indexing: ${label}${count}…\n`);
        return;
      }
      bar = new cliProgress.SingleBar(
        { format: `Indexing: ${label} |{bar}| {value}/{total} ${unit} | {rate}/s | {eta_formatted} left`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(event.total, event.done, { rate: '-' });
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    bar?.update(event.done, { rate: seconds > 0 ? Math.round(event.done / seconds) : '-' });
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
