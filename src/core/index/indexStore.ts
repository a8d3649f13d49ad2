/**
 * The on-disk index: a manifest plus data files in one folder.
 *
 * Writes are atomic as a whole: data files carry the build id in their names and are each
 * written to a temporary file and renamed; the manifest, which names them, is renamed into
 * place last. A crash at any point leaves the previous manifest pointing at its own intact
 * files. Files of older builds are removed only after the new manifest is in place.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { VerbatimError } from '../errors.js';
import type { Chunk } from '../types.js';
import type { ChunkerOptions } from '../chunk/chunkSections.js';
import { LexicalIndex } from './lexicalIndex.js';
import { VectorIndex } from './vectorIndex.js';

/** Bumped whenever the files' shape changes; an index of another version is rebuilt. */
export const INDEX_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

export interface Calibration {
  /** Best dense similarity of each built-in off-topic probe question against this corpus. */
  offTopicMean: number;
  offTopicStd: number;
  /** Dense similarity a question's best chunk must reach to be answered. */
  refusalThreshold: number;
}

export interface IndexManifest {
  formatVersion: number;
  buildId: string;
  createdAt: string;
  model: { name: string; dimension: number };
  corpus: { hash: string; documents: Array<{ id: string; title: string }> };
  chunker: ChunkerOptions;
  counts: { documents: number; sections: number; sentences: number; chunks: number };
  calibration: Calibration;
  files: { vectors: string; chunks: string; lexical: string };
}

/** A chunk as stored: its text is rebuilt from the corpus, which is re-read at load. */
type StoredChunk = [doc: number, section: number, first: number, last: number, start: number, end: number, tokens: number];

export interface IndexData {
  manifest: Omit<IndexManifest, 'files' | 'buildId' | 'formatVersion' | 'createdAt'>;
  chunks: Chunk[];
  vectors: VectorIndex;
  lexical: LexicalIndex;
}

export interface LoadedIndex {
  manifest: IndexManifest;
  /** Chunks without text; the engine fills `text` from the sentence table. */
  chunks: Array<Omit<Chunk, 'text'>>;
  vectors: VectorIndex;
  lexical: LexicalIndex;
}

function writeAtomic(file: string, write: (tmp: string) => void): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    write(tmp);
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

export function writeIndex(dir: string, data: IndexData): IndexManifest {
  fs.mkdirSync(dir, { recursive: true });
  const buildId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const files = { vectors: `vectors-${buildId}.hnsw`, chunks: `chunks-${buildId}.json`, lexical: `lexical-${buildId}.json` };
  const stored: StoredChunk[] = data.chunks.map((c) => [c.doc, c.section, c.firstSentence, c.lastSentence, c.start, c.end, c.tokens]);

  writeAtomic(path.join(dir, files.vectors), (tmp) => data.vectors.write(tmp));
  writeAtomic(path.join(dir, files.chunks), (tmp) => fs.writeFileSync(tmp, JSON.stringify(stored)));
  writeAtomic(path.join(dir, files.lexical), (tmp) => fs.writeFileSync(tmp, data.lexical.toJSON()));

  const manifest: IndexManifest = { formatVersion: INDEX_FORMAT_VERSION, buildId, createdAt: new Date().toISOString(), ...data.manifest, files };
  writeAtomic(path.join(dir, MANIFEST_FILE), (tmp) => fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n'));

  // The new build is live; older builds' files (and temporaries of crashed writers) can go.
  const keep = new Set([...Object.values(files), MANIFEST_FILE]);
  for (const name of fs.readdirSync(dir)) {
    if (/^(vectors|chunks|lexical)-.+\.(hnsw|json)(\..+\.tmp)?$|\.tmp$/.test(name) && !keep.has(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
  return manifest;
}

/** The manifest, or null when there is no index in `dir`. Throws INDEX_CORRUPT when unreadable. */
export function readManifest(dir: string): IndexManifest | null {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) return null;
  try {
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as IndexManifest;
    if (typeof manifest !== 'object' || manifest === null || typeof manifest.files?.vectors !== 'string') throw new Error('missing fields');
    return manifest;
  } catch (error) {
    throw new VerbatimError('INDEX_CORRUPT', `The index manifest ${file} is unreadable (${(error as Error).message}).`, { cause: error });
  }
}

export function readIndex(dir: string, manifest: IndexManifest): LoadedIndex {
  const at = (name: string) => path.join(dir, name);
  try {
    const stored = JSON.parse(fs.readFileSync(at(manifest.files.chunks), 'utf8')) as StoredChunk[];
    if (!Array.isArray(stored) || stored.length !== manifest.counts.chunks) throw new Error(`chunk table has ${Array.isArray(stored) ? stored.length : 'no'} rows, manifest says ${manifest.counts.chunks}`);
    const chunks = stored.map(([doc, section, firstSentence, lastSentence, start, end, tokens], id) => ({ id, doc, section, firstSentence, lastSentence, start, end, tokens }));
    const vectors = VectorIndex.read(at(manifest.files.vectors), manifest.model.dimension);
    if (vectors.size > chunks.length) throw new Error(`vector index has ${vectors.size} points for ${chunks.length} chunks`);
    const lexical = LexicalIndex.fromJSON(fs.readFileSync(at(manifest.files.lexical), 'utf8'));
    return { manifest, chunks, vectors, lexical };
  } catch (error) {
    throw new VerbatimError('INDEX_CORRUPT', `The index in ${dir} is damaged (${(error as Error).message}). Run \`npm run index\` to rebuild it.`, { cause: error });
  }
}

/** Why an index no longer matches the corpus and settings, or null when it does. */
export function staleReason(manifest: IndexManifest, expected: { corpusHash: string; model: string; chunker: ChunkerOptions }): string | null {
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) return `it was written in format ${manifest.formatVersion}, this version reads ${INDEX_FORMAT_VERSION}`;
  if (manifest.model.name !== expected.model) return `it was built with model "${manifest.model.name}", the configured model is "${expected.model}"`;
  if (manifest.corpus.hash !== expected.corpusHash) return 'the corpus changed since it was built';
  if (manifest.chunker.maxTokens !== expected.chunker.maxTokens || manifest.chunker.overlapSentences !== expected.chunker.overlapSentences) return 'the chunker settings changed';
  return null;
}
