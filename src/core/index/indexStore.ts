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
import type { Chunk, ParsedDocument } from '../types.js';
import type { ChunkerOptions } from '../chunk/chunkSections.js';
import { LexicalIndex } from './lexicalIndex.js';
import { VectorIndex } from './vectorIndex.js';
import type { Vocabulary } from '../retrieve/vocabulary.js';
import type { ModelFiles } from '../embed/modelFolder.js';
import { sameProfile, type ModelProfile } from '../embed/modelProfile.js';

/**
 * Bumped whenever the files' shape changes, or what parsing or the term analyser
 * (text/terms.ts: stored term frequencies must match the terms computed at answer time)
 * makes of a corpus; an index of another version is rebuilt.
 */
export const INDEX_FORMAT_VERSION = 5;
export const MANIFEST_FILE = 'manifest.json';

export interface Calibration {
  /** Median and robust spread of the best dense similarity of off-topic probe questions against this corpus. */
  offTopicMean: number;
  offTopicStd: number;
}

export interface IndexManifest {
  formatVersion: number;
  buildId: string;
  createdAt: string;
  /**
   * `fingerprint` and `files`: what the model's files held when the index was built (see
   * embed/modelFolder). `profile`: pooling, prefixes and token limit in force (embed/modelProfile).
   */
  model: { name: string; dimension: number; fingerprint?: string; files?: ModelFiles; profile?: ModelProfile };
  corpus: { hash: string; documents: Array<{ id: string; title: string }> };
  chunker: ChunkerOptions;
  counts: { documents: number; sections: number; sentences: number; chunks: number };
  calibration: Calibration;
  files: { vectors: string; chunks: string; lexical: string; vocabulary: string; wordVectors: string; documents: string; sentenceFrequency: string };
}

/** A chunk as stored: without its text, which only building the index needs. */
type StoredChunk = [doc: number, section: number, first: number, last: number, start: number, end: number, tokens: number];

export interface IndexData {
  manifest: Omit<IndexManifest, 'files' | 'buildId' | 'formatVersion' | 'createdAt'>;
  documents: ParsedDocument[];
  chunks: Chunk[];
  vectors: VectorIndex;
  lexical: LexicalIndex;
  vocabulary: Vocabulary;
  sentenceFrequency: Map<string, number>;
}

export interface LoadedIndex {
  manifest: IndexManifest;
  /** The parsed corpus as it was indexed; `path` is as it was then. */
  documents: ParsedDocument[];
  /** Chunks without their text, which only building the index needs. */
  chunks: Array<Omit<Chunk, 'text'>>;
  vectors: VectorIndex;
  lexical: LexicalIndex;
  vocabulary: Vocabulary;
  /** In how many sentences each index term occurs: counting needs every sentence analysed, too slow for every start. */
  sentenceFrequency: Map<string, number>;
}

/** How sentence frequencies are stored: parallel arrays parse much faster than an object with a key per term. */
interface StoredFrequencies {
  terms: string[];
  sentences: number[];
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
  const files = {
    vectors: `vectors-${buildId}.hnsw`,
    chunks: `chunks-${buildId}.json`,
    lexical: `lexical-${buildId}.json`,
    vocabulary: `vocabulary-${buildId}.json`,
    wordVectors: `words-${buildId}.f32`,
    documents: `documents-${buildId}.json`,
    sentenceFrequency: `frequencies-${buildId}.json`,
  };
  const stored: StoredChunk[] = data.chunks.map((c) => [c.doc, c.section, c.firstSentence, c.lastSentence, c.start, c.end, c.tokens]);

  writeAtomic(path.join(dir, files.vectors), (tmp) => data.vectors.write(tmp));
  writeAtomic(path.join(dir, files.chunks), (tmp) => fs.writeFileSync(tmp, JSON.stringify(stored)));
  writeAtomic(path.join(dir, files.lexical), (tmp) => fs.writeFileSync(tmp, data.lexical.toJSON()));
  const { words, terms, dimension, vectors } = data.vocabulary;
  writeAtomic(path.join(dir, files.vocabulary), (tmp) => fs.writeFileSync(tmp, JSON.stringify({ dimension, words, terms })));
  // Block and sentence texts are slices of the document text: stored once, restored on load.
  const documents = JSON.stringify(data.documents, function (this: object, key: string, value: unknown) {
    return key === 'text' && !('sections' in this) ? undefined : value;
  });
  writeAtomic(path.join(dir, files.documents), (tmp) => fs.writeFileSync(tmp, documents));
  writeAtomic(path.join(dir, files.wordVectors), (tmp) => fs.writeFileSync(tmp, Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength)));
  const frequencies: StoredFrequencies = { terms: [...data.sentenceFrequency.keys()], sentences: [...data.sentenceFrequency.values()] };
  writeAtomic(path.join(dir, files.sentenceFrequency), (tmp) => fs.writeFileSync(tmp, JSON.stringify(frequencies)));

  const manifest: IndexManifest = { formatVersion: INDEX_FORMAT_VERSION, buildId, createdAt: new Date().toISOString(), ...data.manifest, files };
  writeAtomic(path.join(dir, MANIFEST_FILE), (tmp) => fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n'));

  removeOldBuilds(dir, new Set([...Object.values(files), MANIFEST_FILE]));
  return manifest;
}

/**
 * Files of other builds are removed once they are this old. Not at once: another process
 * may be writing a build of its own (shards starting together, the bot and `npm run index`)
 * or still reading the previous one.
 */
export const OLD_BUILD_GRACE_MS = 10 * 60 * 1000;

const BUILD_FILE = /^(vectors|chunks|lexical|vocabulary|words|documents|frequencies)-.+\.(hnsw|json|f32)(\..+\.tmp)?$|\.tmp$/;

function removeOldBuilds(dir: string, keep: Set<string>): void {
  const cutoff = Date.now() - OLD_BUILD_GRACE_MS;
  for (const name of fs.readdirSync(dir)) {
    if (!BUILD_FILE.test(name) || keep.has(name)) continue;
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).mtimeMs < cutoff) fs.rmSync(file, { force: true });
    } catch {
      // Removed meanwhile by another process: nothing to do.
    }
  }
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
    const { dimension, words, terms } = JSON.parse(fs.readFileSync(at(manifest.files.vocabulary), 'utf8')) as Omit<Vocabulary, 'vectors'>;
    const raw = fs.readFileSync(at(manifest.files.wordVectors));
    if (raw.byteLength !== words.length * dimension * 4) throw new Error(`word vectors hold ${raw.byteLength} bytes, expected ${words.length * dimension * 4}`);
    const vectorsOfWords = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const frequencies = JSON.parse(fs.readFileSync(at(manifest.files.sentenceFrequency), 'utf8')) as StoredFrequencies;
    if (frequencies.terms.length !== frequencies.sentences.length) throw new Error(`sentence frequencies list ${frequencies.terms.length} terms and ${frequencies.sentences.length} counts`);
    const sentenceFrequency = new Map(frequencies.terms.map((t, i) => [t, frequencies.sentences[i]!]));
    const documents = JSON.parse(fs.readFileSync(at(manifest.files.documents), 'utf8')) as ParsedDocument[];
    for (const d of documents) {
      for (const section of d.sections) {
        for (const block of section.blocks) {
          block.text = d.text.slice(block.start, block.end);
          for (const sentence of block.sentences) sentence.text = d.text.slice(sentence.start, sentence.end);
        }
      }
    }
    return { manifest, documents, chunks, vectors, lexical, vocabulary: { dimension, words, terms, vectors: vectorsOfWords }, sentenceFrequency };
  } catch (error) {
    throw new VerbatimError('INDEX_CORRUPT', `The index in ${dir} is damaged (${(error as Error).message}). Run \`npm run index\` to rebuild it.`, { cause: error });
  }
}

/** Why an index no longer matches the corpus and settings, or null when it does. */
export function staleReason(manifest: IndexManifest, expected: { corpusHash: string; model: string; modelFingerprint: string | undefined; modelProfile?: ModelProfile; chunker: ChunkerOptions }): string | null {
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) return `it was written in format ${manifest.formatVersion}, this version reads ${INDEX_FORMAT_VERSION}`;
  if (manifest.model.name !== expected.model) return `it was built with model "${manifest.model.name}", the configured model is "${expected.model}"`;
  // A model not on disk yet (to be downloaded) may not be the one the index was built with either.
  if (manifest.model.fingerprint !== expected.modelFingerprint) {
    return manifest.model.fingerprint ? `the files of model "${expected.model}" changed since it was built` : `it does not record which files of model "${expected.model}" built it`;
  }
  // Same files, other vectors: a prefix or the pooling set another way (options, or a profile-less model's defaults).
  if (expected.modelProfile && !sameProfile(manifest.model.profile, expected.modelProfile)) {
    return manifest.model.profile ? `the profile of model "${expected.model}" (pooling, prefixes, token limit) changed since it was built` : `it does not record the profile (pooling, prefixes) of model "${expected.model}"`;
  }
  if (manifest.corpus.hash !== expected.corpusHash) return 'the corpus changed since it was built';
  if (manifest.chunker.maxTokens !== expected.chunker.maxTokens || manifest.chunker.overlapSentences !== expected.chunker.overlapSentences) return 'the chunker settings changed';
  return null;
}
