/**
 * An index on disk is verified, not trusted: the manifest is checked against a schema and
 * against its own checksum; every file it names must sit in the index folder as a regular
 * file of the size and sha256 recorded when it was built, checked before a byte of it is
 * parsed (or handed to hnswlib, which crashes the process on a damaged file); and the
 * records inside must reference only what exists. Anything unexpected is an `IndexFault`,
 * which the engine treats as a stale index: rebuilt, never served from.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ParsedDocument } from '../types.js';

/** A damaged or inconsistent index; `file` names the file at fault when there is one. */
export class IndexFault extends Error {
  override name = 'IndexFault';
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
  }
}

/** What the manifest records of each data file at build time. */
export interface FileChecksum {
  size: number;
  sha256: string;
}

/** The manifest is small; anything far larger is not one (and is not read whole to find out). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** A data file's name: one plain name inside the index folder, no path. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const fileName = z.string().regex(FILE_NAME, 'must be a plain file name inside the index folder').refine((n) => !n.includes('..'), 'must not contain ".."');
const count = z.number().int().nonnegative();
const finite = z.number().finite();

/** The manifest's schema. Unknown keys pass (other parts may add fields); the self-checksum still covers them. */
export const manifestSchema = z
  .object({
    formatVersion: z.number().int(),
    buildId: z.string().min(1),
    createdAt: z.string(),
    model: z.object({ name: z.string().min(1), dimension: z.number().int().positive().max(65_536), fingerprint: z.string().optional(), files: z.record(z.unknown()).optional() }).passthrough(),
    words: z.string().min(1).nullable(),
    corpus: z.object({ hash: z.string(), documents: z.array(z.object({ id: z.string(), title: z.string() }).passthrough()) }).passthrough(),
    chunker: z.object({ maxTokens: count, overlapSentences: count }).passthrough(),
    counts: z.object({ documents: count, sections: count, sentences: count, chunks: count }).passthrough(),
    calibration: z.object({ offTopicMean: finite, offTopicStd: finite.positive(), sentenceMean: finite, sentenceStd: finite.positive() }).passthrough(),
    files: z.object({ vectors: fileName, chunks: fileName, lexical: fileName, vocabulary: fileName, wordVectors: fileName, sentenceVectors: fileName, documents: fileName, sentenceFrequency: fileName }),
    checksums: z.record(fileName, z.object({ size: count, sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
    checksum: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .passthrough();

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function checksumOf(data: Uint8Array): FileChecksum {
  return { size: data.byteLength, sha256: sha256(data) };
}

/** The manifest's own checksum: of its JSON text without the `checksum` field, as written. */
export function manifestChecksum(manifest: object): string {
  const { checksum: _omit, ...rest } = manifest as { checksum?: string };
  return sha256(JSON.stringify(rest, null, 2));
}

/** A regular file directly in `dir` (not a symlink, not a folder), or an IndexFault. */
export function statInside(dir: string, name: string): fs.Stats {
  // Resolved, not joined: a relative `dir` would otherwise never equal its resolved self.
  const file = path.resolve(dir, name);
  if (path.dirname(file) !== path.resolve(dir)) throw new IndexFault('is not inside the index folder', name);
  let info;
  try {
    info = fs.lstatSync(file);
  } catch (error) {
    throw new IndexFault((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `is unreadable (${(error as NodeJS.ErrnoException).code})`, name);
  }
  if (info.isSymbolicLink()) throw new IndexFault('is a symbolic link; an index holds only its own files', name);
  if (!info.isFile()) throw new IndexFault('is not a regular file', name);
  return info;
}

/** Reads and validates `manifest.json`. Size is checked before reading, the schema and checksum after. */
export function parseManifest<T>(dir: string, name: string): T {
  const info = statInside(dir, name);
  if (info.size > MAX_MANIFEST_BYTES) throw new IndexFault(`is ${info.size} bytes, far too large for a manifest`, name);
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  } catch (error) {
    throw new IndexFault(`is not valid JSON (${oneLine((error as Error).message)})`, name);
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new IndexFault(`${issue.path.join('.') || 'its top level'}: ${issue.message}`, name);
  }
  if (manifestChecksum(data as object) !== parsed.data.checksum) throw new IndexFault('its contents do not match its checksum (edited or damaged)', name);
  for (const file of Object.values(parsed.data.files)) {
    if (!parsed.data.checksums[file]) throw new IndexFault(`records no checksum for ${file}`, name);
  }
  return data as T;
}

/**
 * A data file's bytes, once its size and sha256 match what the manifest recorded. The size
 * is checked before reading, so a name pointing at something huge costs nothing.
 */
export function readVerified(dir: string, name: string, expected: FileChecksum): Buffer {
  const info = statInside(dir, name);
  if (info.size !== expected.size) throw new IndexFault(`is ${info.size} bytes, it was written with ${expected.size}`, name);
  const bytes = fs.readFileSync(path.join(dir, name));
  if (bytes.byteLength !== expected.size || sha256(bytes) !== expected.sha256) throw new IndexFault('its contents changed since it was built (checksum mismatch)', name);
  return bytes;
}

export function parseJson(bytes: Buffer, name: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new IndexFault(`is not valid JSON (${oneLine((error as Error).message)})`, name);
  }
}

/** The header checkHnswHeader reads: all it needs of the file besides its size. */
export const HNSW_HEADER_BYTES = 6 * 8 + 2 * 4 + 3 * 8 + 8 + 8;

/**
 * Checks an hnswlib index file's header against the dimension and point count expected, so
 * that even a file that passes its checksum is handed to the native library only when it is
 * the shape the manifest says. `header`: the file's first HNSW_HEADER_BYTES; `fileBytes`: its
 * size. Layout (hnswalg.h saveIndex): offsetLevel0, max_elements,
 * cur_element_count, size_data_per_element, label_offset, offsetData (size_t each), then
 * maxlevel, enterpoint_node (int), maxM, maxM0, M (size_t), mult (double), ef_construction (size_t).
 */
export function checkHnswHeader(header: Buffer, fileBytes: number, dimension: number, maxPoints: number, name: string): void {
  if (fileBytes < HNSW_HEADER_BYTES || header.byteLength < HNSW_HEADER_BYTES) throw new IndexFault('is too short to be a vector index', name);
  const u64 = (at: number) => Number(header.readBigUInt64LE(at));
  const maxElements = u64(8);
  const count = u64(16);
  const perElement = u64(24);
  const labelOffset = u64(32);
  const offsetData = u64(40);
  const maxM0 = u64(64);
  const dataBytes = dimension * 4;
  if (count > maxElements || count > maxPoints) throw new IndexFault(`holds ${count} points, the index has ${maxPoints} chunks`, name);
  if (labelOffset - offsetData !== dataBytes) throw new IndexFault(`holds vectors of ${(labelOffset - offsetData) / 4} dimensions, the model has ${dimension}`, name);
  if (perElement !== labelOffset + 8 || offsetData !== maxM0 * 4 + 4) throw new IndexFault('has an inconsistent header', name);
  if (HNSW_HEADER_BYTES + count * perElement > fileBytes) throw new IndexFault('is shorter than its header says', name);
}

const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/**
 * Checks the stored documents' structure and offsets: every range lies inside the text,
 * blocks inside sections, sentences inside blocks. Written by hand, not with the schema
 * library: a large corpus has hundreds of thousands of sentences and this runs every start.
 */
export function checkDocuments(data: unknown, name: string): asserts data is ParsedDocument[] {
  const fail = (where: string, what: string): never => {
    throw new IndexFault(`${where}: ${what}`, name);
  };
  if (!Array.isArray(data)) fail('top level', 'not a list of documents');
  (data as unknown[]).forEach((d, i) => {
    const doc = d as Partial<ParsedDocument>;
    const at = `document ${i}`;
    if (typeof doc !== 'object' || doc === null) fail(at, 'not an object');
    if (typeof doc.id !== 'string' || typeof doc.title !== 'string' || typeof doc.text !== 'string' || typeof doc.path !== 'string') fail(at, 'id, path, title or text missing');
    if (!Array.isArray(doc.sections)) fail(at, 'no sections');
    const length = doc.text!.length;
    const numbers = new Set<number>();
    for (const [s, section] of doc.sections!.entries()) {
      const where = `${at} section ${s}`;
      if (typeof section !== 'object' || section === null || !Array.isArray(section.blocks) || !Array.isArray(section.parents) || typeof section.title !== 'string') fail(where, 'malformed');
      if (!isInt(section.number, 0, Number.MAX_SAFE_INTEGER) || numbers.has(section.number)) fail(where, 'missing or repeated number');
      numbers.add(section.number);
      if (!isInt(section.start, 0, length) || !isInt(section.end, section.start, length)) fail(where, 'range outside the text');
      for (const [b, block] of section.blocks.entries()) {
        const inBlock = `${where} block ${b}`;
        if (typeof block !== 'object' || block === null || !Array.isArray(block.sentences) || !isInt(block.paragraph, 0, Number.MAX_SAFE_INTEGER)) fail(inBlock, 'malformed');
        if (block.kind !== 'paragraph' && block.kind !== 'list-item' && block.kind !== 'code') fail(inBlock, 'unknown kind');
        if (!isInt(block.start, 0, length) || !isInt(block.end, block.start, length)) fail(inBlock, 'range outside the text');
        if (block.leadIn !== undefined && !isInt(block.leadIn, 0, Number.MAX_SAFE_INTEGER)) fail(inBlock, 'malformed lead-in');
        for (const [n, sentence] of block.sentences.entries()) {
          if (typeof sentence !== 'object' || sentence === null || !isInt(sentence.start, block.start, block.end) || !isInt(sentence.end, sentence.start, block.end)) fail(`${inBlock} sentence ${n}`, 'range outside its block');
        }
      }
    }
  });
}

/** A stored chunk row: [doc, section, first, last, start, end, tokens]. */
export function checkChunks(rows: unknown, documents: readonly ParsedDocument[], sentences: number, name: string): asserts rows is number[][] {
  if (!Array.isArray(rows)) throw new IndexFault('not a list of chunks', name);
  rows.forEach((row, i) => {
    const fail = (what: string): never => {
      throw new IndexFault(`chunk ${i}: ${what}`, name);
    };
    if (!Array.isArray(row) || row.length !== 7) fail('malformed row');
    const [doc, section, first, last, start, end, tokens] = row as unknown[];
    if (!isInt(doc, 0, documents.length - 1)) fail(`document ${String(doc)} out of range`);
    const document = documents[doc as number]!;
    if (!document.sections.some((s) => s.number === section)) fail(`section ${String(section)} out of range`);
    if (!isInt(first, 0, sentences - 1) || !isInt(last, first as number, sentences - 1)) fail(`sentences ${String(first)}..${String(last)} out of range`);
    if (!isInt(start, 0, document.text.length) || !isInt(end, start as number, document.text.length)) fail('range outside the text');
    if (!isInt(tokens, 0, Number.MAX_SAFE_INTEGER)) fail('malformed token count');
  });
}

/** What a file in `dir` must be for an index to be written there; a clear error when it cannot be. */
export function indexDirProblem(dir: string, manifestName: string): string | null {
  let info;
  try {
    info = fs.statSync(dir);
  } catch {
    return null; // absent: it will be created
  }
  if (!info.isDirectory()) return `the index folder ${dir} is a file, not a folder: move it away or set INDEX_DIR to another folder`;
  try {
    if (fs.lstatSync(path.join(dir, manifestName)).isDirectory()) return `${path.join(dir, manifestName)} is a folder, not the index's manifest file: remove it so the index can be rebuilt`;
  } catch {
    // no manifest yet
  }
  return null;
}

/** A parser's message on one line: it may quote the damaged text, line breaks and all. */
function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ');
}
