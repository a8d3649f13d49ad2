/** What the command-line tests share: captured output, and a private copy of the seed corpus. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';
import { DEFAULT_CORPUS_DIR } from '../../src/core/paths.js';

export const SEED = path.join(DEFAULT_CORPUS_DIR, 'russia-recognizes-taliban.txt');

/** A CliIO that records what a command prints; `stdinLines` become its input. */
export function captureIO(stdinLines?: string[]): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    isTTY: false,
    ...(stdinLines ? { stdin: Readable.from(stdinLines.map((l) => l + '\n')) } : {}),
  };
  return io;
}

/** Runs a command's main and returns its exit code and output. */
export async function runCommand(main: (argv: string[], io: CliIO) => Promise<number>, ...argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

/**
 * Points the commands (through CORPUS_DIR, INDEX_DIR, MODEL_CACHE_DIR) at a temporary copy
 * of the seed document, so tests never touch the repository's own index. Returns the folder.
 */
export function useTempCorpus(prefix: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `verbatim-cli-${prefix}-`));
  fs.mkdirSync(path.join(root, 'corpus'));
  fs.copyFileSync(SEED, path.join(root, 'corpus', 'seed.txt'));
  // Its title comes from the sidecar, as in corpus/.
  fs.copyFileSync(SEED.replace(/\.txt$/, '.meta.json'), path.join(root, 'corpus', 'seed.meta.json'));
  process.env.CORPUS_DIR = path.join(root, 'corpus');
  process.env.INDEX_DIR = path.join(root, 'index');
  process.env.MODEL_CACHE_DIR = path.join(root, 'models');
  return root;
}
