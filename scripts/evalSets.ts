/**
 * What `npm run eval` and `npm run fit-refusal` share: where the evaluation documents and
 * question sets live, which are for tuning, and the index each model gets per document.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { VerbatimOptions } from '../src/core/engine.js';
import { DEFAULT_CACHE_DIR, DEFAULT_CORPUS_DIR, PROJECT_ROOT } from '../src/core/paths.js';

export const EVAL_DIR = path.join(PROJECT_ROOT, 'test', 'fixtures', 'eval');

/**
 * Where each document of the question sets lives. Held-out documents are only ever asked
 * held-out questions: tuning refusals on them would make them tuning documents.
 */
export const DOCUMENTS: Record<string, { file: string; heldOut: boolean }> = {
  'russia-recognizes-taliban.txt': { file: path.join(DEFAULT_CORPUS_DIR, 'russia-recognizes-taliban.txt'), heldOut: false },
  'node-readline.md': { file: path.join(EVAL_DIR, 'node-readline.md'), heldOut: false },
  'debian-manifesto.txt': { file: path.join(EVAL_DIR, 'debian-manifesto.txt'), heldOut: true },
  'debian-constitution.txt': { file: path.join(EVAL_DIR, 'debian-constitution.txt'), heldOut: true },
};

/** Which sets the method was tuned on, and which measure it. */
export const SETS = {
  tuning: ['seed.questions.json', 'node-readline.questions.json', 'unanswerable.questions.json', 'refusal-tuning.questions.json'],
  heldout: ['holdout.questions.json', 'paraphrase-extra.questions.json', 'refusal-measure.questions.json', 'debian.questions.json'],
} as const;

/** One index per document, model and word table, so switching models never rebuilds another's. */
export function evalIndexDir(file: string, options: VerbatimOptions): string {
  const key = createHash('sha256').update(JSON.stringify([path.resolve(file), options.embedder?.model ?? '', options.wordVectors ?? ''])).digest('hex').slice(0, 16);
  return path.join(DEFAULT_CACHE_DIR, 'eval-indexes', key);
}
