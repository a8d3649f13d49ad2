/**
 * Word-level meaning, its own component. A sentence encoder embeds sentences; asked for the
 * vector of one word out of context it gives a poor one (a transformer has seen few one-word
 * inputs). Query expansion ("Kremlin" -> "Moscow"), soft word alignment inside quotes and the
 * refusal's coverage term compare single words, so they read a table of word vectors: GloVe,
 * looked up, not inferred. It costs no forward pass, so the whole corpus vocabulary is
 * looked up when an index is built and a question's unknown words in microseconds.
 *
 * Files (written by `npm run build-model -- glove-words-100d`):
 *   words.txt    one lower-case word per line, most frequent first
 *   vectors.i8   one row of `dimension` signed bytes per word: the unit vector scaled so its
 *                largest component is ±127 (the scale is dropped: rows are renormalised on
 *                lookup, and only directions matter)
 *   meta.json    { dimension, count, source }
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { VerbatimError } from '../errors.js';

export interface WordVectors {
  readonly dimension: number;
  /**
   * The table's folder name, size and a hash of its files' content, for index manifests: a
   * table rebuilt under the same name (another source, other settings) makes an index stale.
   */
  readonly id: string;
  /** A unit vector per word (lower-cased before lookup), or undefined for a word the table lacks. */
  vector(word: string): Float32Array | undefined;
}

interface WordVectorsMeta {
  dimension: number;
  count: number;
  source?: string;
}

const loaded = new Map<string, WordVectors>();

/** Loads (once per process) the table in `folder`. */
export function loadWordVectors(folder: string): WordVectors {
  const key = path.resolve(folder);
  const cached = loaded.get(key);
  if (cached) return cached;
  let meta: WordVectorsMeta;
  let words: string[];
  let bytes: Buffer;
  // Every file is read whole anyway; hashing them costs ~10 ms, once per process.
  const hash = crypto.createHash('sha256');
  const read = (file: string) => {
    const data = fs.readFileSync(path.join(key, file));
    hash.update(`${file}\u0000${data.length}\u0000`).update(data);
    return data;
  };
  try {
    meta = JSON.parse(read('meta.json').toString('utf8')) as WordVectorsMeta;
    words = read('words.txt').toString('utf8').split('\n');
    bytes = read('vectors.i8');
  } catch (error) {
    throw new VerbatimError('MODEL_NOT_FOUND', `Could not read the word vectors in ${key}: ${(error as Error).message}. Run \`npm run build-model -- glove-words-100d\` to regenerate them.`, { cause: error });
  }
  if (words.at(-1) === '') words.pop();
  const { dimension } = meta;
  if (!(dimension > 0) || words.length !== meta.count || bytes.length !== meta.count * dimension) {
    throw new VerbatimError('MODEL_NOT_FOUND', `The word vectors in ${key} are damaged (${words.length} words, ${bytes.length} bytes, expected ${meta.count} × ${dimension}). Run \`npm run build-model -- glove-words-100d\`.`);
  }
  const rows = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const rowOf = new Map<string, number>();
  words.forEach((w, i) => rowOf.set(w, i));
  const table: WordVectors = {
    dimension,
    id: `${path.basename(key)}:${meta.count}x${dimension}:${hash.digest('hex').slice(0, 16)}`,
    vector(word) {
      const row = rowOf.get(word.toLowerCase());
      if (row === undefined) return undefined;
      const v = new Float32Array(dimension);
      let norm = 0;
      for (let d = 0; d < dimension; d++) {
        const x = rows[row * dimension + d]!;
        v[d] = x;
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      if (norm === 0) return undefined;
      for (let d = 0; d < dimension; d++) v[d]! /= norm;
      return v;
    },
  };
  loaded.set(key, table);
  return table;
}
