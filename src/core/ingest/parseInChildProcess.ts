/**
 * Parsing a large corpus in a child process. The Markdown parser allocates heavily, and a
 * process keeps the memory its heap grew to: parsed in the bot's own process, 3.5 MB of
 * Markdown left it about 200 MB larger for good. A child's memory goes back to the system
 * when it exits, so only the parsed documents come back.
 *
 * The child runs this same file. Under a TypeScript loader (tsx) it inherits the loader
 * through `execArgv`; where there is none to inherit (e.g. inside a test runner that
 * compiles in-process), or when the child fails, parsing happens in-process instead.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../types.js';
import { parseCorpus, type LoadedCorpus } from './loadCorpus.js';
import type { CorpusFile } from './readCorpus.js';

/** Below this much text the child's start-up (about half a second) costs more than it saves. */
export const CHILD_PARSE_MIN_CHARS = 1_000_000;

const CHILD_FLAG = '--verbatim-parse-child';
const self = fileURLToPath(import.meta.url);

/** Whether a child started from this file can load it (plain JavaScript, or a TypeScript loader to inherit). */
function childCanRun(): boolean {
  return self.endsWith('.js') || process.execArgv.some((a) => a.includes('tsx'));
}

export async function parseCorpusIsolated(files: readonly CorpusFile[], logger: Logger, minChars = CHILD_PARSE_MIN_CHARS): Promise<LoadedCorpus> {
  const chars = files.reduce((n, f) => n + f.text.length, 0);
  if (chars < minChars || !childCanRun()) return parseCorpus(files, { logger });
  try {
    const started = performance.now();
    const { corpus, peakRssMB, warnings } = await parseInChild(files);
    for (const w of warnings) logger.warn(w.obj, w.msg);
    logger.info({ documents: corpus.documents.length, ms: Math.round(performance.now() - started), peakRssMB }, 'parsed the corpus in a child process');
    return corpus;
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'parsing in a child process failed; parsing here instead');
    return parseCorpus(files, { logger });
  }
}

interface ChildReply {
  corpus: LoadedCorpus;
  /** The child's own peak memory, for the log and the benchmark. */
  peakRssMB: number;
  /** What parsing warned about (skipped files, flattened nesting), logged by the parent. */
  warnings: Array<{ obj: object; msg?: string }>;
}

/**
 * The parent's node flags, for the child's TypeScript loader, less `--watch` (`npm run dev`):
 * a watched child never exits, so its reply would never be collected.
 */
function childExecArgv(): string[] {
  return process.execArgv.filter((flag) => !flag.startsWith('--watch'));
}

function parseInChild(files: readonly CorpusFile[]): Promise<ChildReply> {
  return new Promise((resolve, reject) => {
    const child = fork(self, [CHILD_FLAG], { execArgv: childExecArgv(), serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let result: ChildReply | undefined;
    child.on('message', (message) => {
      result = message as ChildReply;
    });
    child.on('error', reject);
    child.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`the parser process exited with code ${code}`))));
    child.send(files);
  });
}

if (process.argv.includes(CHILD_FLAG)) {
  process.once('message', (files) => {
    const warnings: ChildReply['warnings'] = [];
    const quiet = () => {};
    const corpus = parseCorpus(files as CorpusFile[], { logger: { debug: quiet, info: quiet, error: quiet, warn: (obj, msg) => void warnings.push({ obj, ...(msg ? { msg } : {}) }) } });
    const reply: ChildReply = { corpus, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), warnings };
    process.send!(reply, () => process.disconnect());
  });
}
