/** What the engine tests share: the seed document, and private copies of it to index. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CORPUS_DIR } from '../../src/core/paths.js';

export const SEED = path.join(DEFAULT_CORPUS_DIR, 'russia-recognizes-taliban.txt');
export const seedText = fs.readFileSync(SEED, 'utf8');

/** A temporary corpus folder holding the seed as `seed.txt` (and `extra` files), and an index folder beside it. */
export function tempCorpus(prefix = 'engine', extra: string[] = []): { corpus: string; indexDir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `verbatim-${prefix}-`));
  const corpus = path.join(root, 'corpus');
  fs.mkdirSync(corpus);
  fs.copyFileSync(SEED, path.join(corpus, 'seed.txt'));
  for (const file of extra) fs.copyFileSync(file, path.join(corpus, path.basename(file)));
  return { corpus, indexDir: path.join(root, 'index') };
}
