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
import { makeDirectory } from '../makeDirectory.js';
import { processAlive } from '../processAlive.js';
import type { Chunk, ParsedDocument } from '../types.js';
import type { ChunkerOptions } from '../chunk/chunkSections.js';
import { LexicalIndex } from './lexicalIndex.js';
import { VectorIndex } from './vectorIndex.js';
import type { Vocabulary } from '../retrieve/vocabulary.js';
import type { ModelFiles } from '../embed/modelFolder.js';
import { checkChunks, checkDocuments, checkHnswHeader, checksumOf, HNSW_HEADER_BYTES, IndexFault, indexDirProblem, manifestChecksum, parseJson, parseManifest, type FileChecksum } from './verifyIndex.js';
import { readVerifiedInBackground, type BackgroundReads } from './readInBackground.js';
import { sameProfile, type ModelProfile } from '../embed/modelProfile.js';

/**
 * Bumped whenever the files' shape changes, or what parsing or the term analyser
 * (text/terms.ts: stored term frequencies must match the terms computed at answer time)
 * makes of a corpus; an index of another version is rebuilt.
 */
export const INDEX_FORMAT_VERSION = 7;
export const MANIFEST_FILE = 'manifest.json';

export interface Calibration {
  /** Median and robust spread of the best dense similarity of off-topic probe questions against this corpus. */
  offTopicMean: number;
  offTopicStd: number;
  /** The same for the best single sentence: sentence-level similarity lives on its own scale. */
  sentenceMean: number;
  sentenceStd: number;
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
  /** The word-vector table the vocabulary's vectors come from (see words/wordVectors), or null for none. */
  words: string | null;
  corpus: { hash: string; documents: Array<{ id: string; title: string }> };
  chunker: ChunkerOptions;
  counts: { documents: number; sections: number; sentences: number; chunks: number };
  calibration: Calibration;
  files: { vectors: string; chunks: string; lexical: string; vocabulary: string; wordVectors: string; sentenceVectors: string; documents: string; sentenceFrequency: string };
  /** Size and sha256 of each file in `files`, recorded as it was written and checked before it is read. */
  checksums: Record<string, FileChecksum>;
  /** sha256 of this manifest's JSON without this field (see verifyIndex.manifestChecksum). */
  checksum: string;
}

/** A chunk as stored: without its text, which only building the index needs. */
type StoredChunk = [doc: number, section: number, first: number, last: number, start: number, end: number, tokens: number];

export interface IndexData {
  manifest: Omit<IndexManifest, 'files' | 'buildId' | 'formatVersion' | 'createdAt' | 'checksums' | 'checksum'>;
  documents: ParsedDocument[];
  chunks: Chunk[];
  vectors: VectorIndex;
  /** One unit vector per sentence (row-major, the model's dimension): quoting and summaries score sentences with them. */
  sentenceVectors: Float32Array;
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
  sentenceVectors: Float32Array;
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

/** Writes `file` through a temporary file and a rename; returns the checksum of what was written. */
function writeAtomic(file: string, write: (tmp: string) => Uint8Array | void): FileChecksum {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    // Files the native library writes itself are read back to checksum what is really on disk.
    const checksum = checksumOf(write(tmp) ?? fs.readFileSync(tmp));
    fs.renameSync(tmp, file);
    return checksum;
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

function writeBytes(tmp: string, data: string | Uint8Array): Uint8Array {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  fs.writeFileSync(tmp, bytes);
  return bytes;
}

export function writeIndex(dir: string, data: IndexData): IndexManifest {
  const problem = indexDirProblem(dir, MANIFEST_FILE);
  if (problem) throw new VerbatimError('INDEX_UNUSABLE', `Cannot write the index: ${problem}.`);
  makeDirectory(dir);
  const buildId = `${Date.now().toString(36)}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const files = {
    vectors: `vectors-${buildId}.hnsw`,
    chunks: `chunks-${buildId}.json`,
    lexical: `lexical-${buildId}.json`,
    vocabulary: `vocabulary-${buildId}.json`,
    wordVectors: `words-${buildId}.f32`,
    sentenceVectors: `sentences-${buildId}.f32`,
    documents: `documents-${buildId}.json`,
    sentenceFrequency: `frequencies-${buildId}.json`,
  };
  const stored: StoredChunk[] = data.chunks.map((c) => [c.doc, c.section, c.firstSentence, c.lastSentence, c.start, c.end, c.tokens]);
  const checksums: Record<string, FileChecksum> = {};
  const write = (name: string, make: (tmp: string) => Uint8Array | void) => {
    checksums[name] = writeAtomic(path.join(dir, name), make);
  };

  write(files.vectors, (tmp) => data.vectors.write(tmp));
  write(files.chunks, (tmp) => writeBytes(tmp, JSON.stringify(stored)));
  write(files.lexical, (tmp) => writeBytes(tmp, data.lexical.toJSON()));
  const { words, terms, dimension, vectors } = data.vocabulary;
  write(files.vocabulary, (tmp) => writeBytes(tmp, JSON.stringify({ dimension, words, terms })));
  // Block and sentence texts are slices of the document text: stored once, restored on load.
  const documents = JSON.stringify(data.documents, function (this: object, key: string, value: unknown) {
    return key === 'text' && !('sections' in this) ? undefined : value;
  });
  write(files.documents, (tmp) => writeBytes(tmp, documents));
  write(files.wordVectors, (tmp) => writeBytes(tmp, new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength)));
  const sv = data.sentenceVectors;
  write(files.sentenceVectors, (tmp) => writeBytes(tmp, new Uint8Array(sv.buffer, sv.byteOffset, sv.byteLength)));
  const frequencies: StoredFrequencies = { terms: [...data.sentenceFrequency.keys()], sentences: [...data.sentenceFrequency.values()] };
  write(files.sentenceFrequency, (tmp) => writeBytes(tmp, JSON.stringify(frequencies)));

  const unsigned = { formatVersion: INDEX_FORMAT_VERSION, buildId, createdAt: new Date().toISOString(), ...data.manifest, files, checksums };
  const manifest: IndexManifest = { ...unsigned, checksum: manifestChecksum(unsigned) };
  writeAtomic(path.join(dir, MANIFEST_FILE), (tmp) => writeBytes(tmp, JSON.stringify(manifest, null, 2) + '\n'));

  removeOldBuilds(dir, new Set([...Object.values(files), MANIFEST_FILE]));
  return manifest;
}

/**
 * Files of other builds are removed once they are this old. Not at once: another process
 * may be writing a build of its own (shards starting together, the bot and `npm run index`)
 * or still reading the previous one. Files of a build whose process has died go at once.
 */
export const OLD_BUILD_GRACE_MS = 10 * 60 * 1000;

const BUILD_FILE = /^(vectors|chunks|lexical|vocabulary|words|sentences|documents|frequencies)-.+\.(hnsw|json|f32)(\..+\.tmp)?$|\.tmp$/;
/** The process that wrote a file: build ids are `<time>-<pid>-<random>`, temporary files end `.<pid>.<random>.tmp`. */
const OWNER = /^[a-z]+-[0-9a-z]+-(\d+)-[0-9a-f]+\.|\.(\d+)\.[0-9a-f]+\.tmp$/;

function ownerOf(name: string): number | undefined {
  const match = OWNER.exec(name);
  const pid = Number(match?.[1] ?? match?.[2]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function removeOldBuilds(dir: string, keep: Set<string>): void {
  const cutoff = Date.now() - OLD_BUILD_GRACE_MS;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!BUILD_FILE.test(name) || keep.has(name)) continue;
    const file = path.join(dir, name);
    const owner = ownerOf(name);
    try {
      if ((owner !== undefined && !processAlive(owner)) || fs.statSync(file).mtimeMs < cutoff) fs.rmSync(file, { force: true });
    } catch {
      // Removed meanwhile by another process: nothing to do.
    }
  }
}

/**
 * Removes what killed builds left behind (their process is gone), and files of other builds
 * past the grace period, keeping the current manifest's files. Run before a build starts,
 * so a crashed build's hundreds of megabytes do not wait for the next successful one.
 */
export function removeLeftovers(dir: string): void {
  let keep = new Set<string>([MANIFEST_FILE]);
  try {
    const manifest = readManifest(dir);
    if (manifest) keep = new Set([...Object.values(manifest.files), MANIFEST_FILE]);
  } catch {
    // A damaged manifest: its files are not worth keeping, but they may be of a live build.
    return;
  }
  removeOldBuilds(dir, keep);
}

/**
 * The manifest, or null when there is no index in `dir`. Throws INDEX_CORRUPT when it is
 * unreadable, fails its schema or its checksum; INDEX_UNUSABLE when `dir` cannot hold an index.
 */
export function readManifest(dir: string): IndexManifest | null {
  const problem = indexDirProblem(dir, MANIFEST_FILE);
  if (problem) throw new VerbatimError('INDEX_UNUSABLE', `Cannot use the index: ${problem}.`);
  if (!fs.existsSync(path.join(dir, MANIFEST_FILE)) && !isSymlink(path.join(dir, MANIFEST_FILE))) return null;
  try {
    return parseManifest<IndexManifest>(dir, MANIFEST_FILE);
  } catch (error) {
    if (!(error instanceof IndexFault)) throw error;
    throw new VerbatimError('INDEX_CORRUPT', `the index in ${dir} is damaged (${error.message})`, { cause: error });
  }
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Below this much index, the files are read on the main thread as they are parsed: starting
 * a worker made opening the bundled document's index about 10 ms slower (58 -> 68 ms), and a
 * bot opens a small index for each server library it loads.
 */
export const BACKGROUND_READ_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Starts verifying the files `manifest` names, on a worker thread when the index is large
 * (see readInBackground), in the order readIndex needs them: the vector index second, so that
 * hnswlib loads it on the thread pool while the main thread parses; the sentence vectors,
 * needing no parsing, last. Started early, this overlaps with loading the model; `stop()` it
 * when the index turns out stale. `workerFrom`: the index size from which a worker reads (a
 * test passes 0 to read a small index through one).
 */
export function startReadingIndex(dir: string, manifest: IndexManifest, workerFrom = BACKGROUND_READ_MIN_BYTES): BackgroundReads {
  const f = manifest.files;
  const order = [f.documents, f.vectors, f.chunks, f.lexical, f.vocabulary, f.wordVectors, f.sentenceFrequency, f.sentenceVectors];
  const bytes = order.reduce((n, name) => n + manifest.checksums[name]!.size, 0);
  // Of the vector index only its header: hnswlib reads the file itself once it is verified.
  return readVerifiedInBackground(dir, order.map((name) => [name, manifest.checksums[name]!, name === f.vectors ? HNSW_HEADER_BYTES : undefined]), { worker: bytes >= workerFrom });
}

/**
 * Reads an index whose manifest `readManifest` accepted. Every file is checked against its
 * recorded size and checksum before it is parsed (for a large index on a worker thread, while
 * the main thread parses the files before it), and every record against what it refers to; any fault is
 * INDEX_CORRUPT naming the file. `started`: the reads startReadingIndex began for `manifest`.
 */
export async function readIndex(dir: string, manifest: IndexManifest, started?: BackgroundReads): Promise<LoadedIndex> {
  const f = manifest.files;
  let reads = started;
  try {
    reads ??= startReadingIndex(dir, manifest);
    const read = reads.read;
    // The native library crashes the process on a damaged file: it gets only a verified one,
    // of the shape the manifest says. It loads on the thread pool while the rest is parsed.
    const vectorsLoaded = read(f.vectors).then((header) => {
      checkHnswHeader(header, manifest.checksums[f.vectors]!.size, manifest.model.dimension, manifest.counts.chunks, f.vectors);
      return VectorIndex.read(path.join(dir, f.vectors), manifest.model.dimension);
    });
    vectorsLoaded.catch(() => undefined); // awaited below, unless an earlier file fails first
    const documents = parseJson(await read(f.documents), f.documents);
    checkDocuments(documents, f.documents);
    for (const d of documents) {
      for (const section of d.sections) {
        for (const block of section.blocks) {
          block.text = d.text.slice(block.start, block.end);
          for (const sentence of block.sentences) sentence.text = d.text.slice(sentence.start, sentence.end);
        }
      }
    }
    const sentenceCount = documents.reduce((n, d) => n + d.sections.reduce((m, s) => m + s.blocks.reduce((k, b) => k + b.sentences.length, 0), 0), 0);
    if (documents.length !== manifest.counts.documents || sentenceCount !== manifest.counts.sentences) {
      throw new IndexFault(`holds ${documents.length} documents and ${sentenceCount} sentences, the manifest counts ${manifest.counts.documents} and ${manifest.counts.sentences}`, f.documents);
    }
    const stored = parseJson(await read(f.chunks), f.chunks);
    checkChunks(stored, documents, sentenceCount, f.chunks);
    if (stored.length !== manifest.counts.chunks) throw new IndexFault(`has ${stored.length} rows, the manifest says ${manifest.counts.chunks}`, f.chunks);
    const chunks = (stored as StoredChunk[]).map(([doc, section, firstSentence, lastSentence, start, end, tokens], id) => ({ id, doc, section, firstSentence, lastSentence, start, end, tokens }));

    const lexical = LexicalIndex.fromJSON((await read(f.lexical)).toString('utf8'));
    const vocabulary = parseJson(await read(f.vocabulary), f.vocabulary) as Omit<Vocabulary, 'vectors'>;
    const { dimension, words, terms } = vocabulary ?? {};
    // The vocabulary's vectors come from the word table (see words/wordVectors), not the model; none without one.
    if (typeof dimension !== 'number' || dimension < 0 || (manifest.words === null) !== (dimension === 0) || !Array.isArray(words) || !Array.isArray(terms) || words.length !== terms.length || !words.every((w) => typeof w === 'string') || !terms.every((t) => typeof t === 'string')) {
      throw new IndexFault('is malformed', f.vocabulary);
    }
    const raw = await read(f.wordVectors);
    if (raw.byteLength !== words.length * dimension * 4) throw new IndexFault(`holds ${raw.byteLength} bytes, expected ${words.length * dimension * 4}`, f.wordVectors);
    const vectorsOfWords = floats(raw);
    const frequencies = parseJson(await read(f.sentenceFrequency), f.sentenceFrequency) as StoredFrequencies;
    if (!Array.isArray(frequencies?.terms) || !Array.isArray(frequencies.sentences) || frequencies.terms.length !== frequencies.sentences.length || !frequencies.sentences.every((n) => Number.isInteger(n) && n > 0)) {
      throw new IndexFault('malformed sentence frequencies', f.sentenceFrequency);
    }
    const sentenceFrequency = new Map(frequencies.terms.map((t, i) => [t, frequencies.sentences[i]!]));
    const rawSentences = await read(f.sentenceVectors);
    if (rawSentences.byteLength !== sentenceCount * manifest.model.dimension * 4) {
      throw new IndexFault(`holds ${rawSentences.byteLength} bytes, expected ${sentenceCount * manifest.model.dimension * 4}`, f.sentenceVectors);
    }
    const sentenceVectors = floats(rawSentences);

    const vectors = await vectorsLoaded;
    return { manifest, documents, chunks, vectors, sentenceVectors, lexical, vocabulary: { dimension, words, terms, vectors: vectorsOfWords }, sentenceFrequency };
  } catch (error) {
    throw new VerbatimError('INDEX_CORRUPT', `the index in ${dir} is damaged (${(error as Error).message})`, { cause: error });
  } finally {
    reads?.stop();
  }
}

/** Float32 values over the bytes read, without a copy when they are aligned (a file read whole is). */
function floats(bytes: Buffer): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Why an index no longer matches the corpus and settings, or null when it does. */
export function staleReason(manifest: IndexManifest, expected: { corpusHash: string; model: string; modelFingerprint: string | undefined; modelProfile?: ModelProfile; words: string | null; chunker: ChunkerOptions }): string | null {
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
  if ((manifest.words ?? null) !== expected.words) return `it was built with word vectors ${manifest.words ?? 'none'}, the configured ones are ${expected.words ?? 'none'}`;
  if (manifest.corpus.hash !== expected.corpusHash) return 'the corpus changed since it was built';
  if (manifest.chunker.maxTokens !== expected.chunker.maxTokens || manifest.chunker.overlapSentences !== expected.chunker.overlapSentences) return 'the chunker settings changed';
  return null;
}
