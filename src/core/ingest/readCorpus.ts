/**
 * Reading a corpus — a folder (recursively) or one file — without parsing it: enough to
 * hash it and tell whether an index is current. Bad files in a folder are skipped with a
 * reason and a warning; a bad file named explicitly is an error.
 */
import { silentLogger } from '../silentLogger.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pMap from 'p-map';
import type { Logger } from '../types.js';
import { formatOf, hasExtension, isExtractedFormat, SUPPORTED_EXTENSIONS, type DocumentFormat, type DocumentMeta } from './formats.js';
import { ExtractError, type Extracted, type LayoutBlock } from './layout.js';

/** Files larger than this are skipped (bytes). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Files read at once (readCorpus). */
const READ_CONCURRENCY = 8;

/** Suffix of a metadata sidecar: `notes.md` -> `notes.meta.json` (`{"title": "…", "source": "…"}`). */
export const META_SUFFIX = '.meta.json';

/**
 * Bump when parsing changes what documents turn into (sections, blocks, sentences), so
 * `corpusHash` changes and indexes built from the old parse are seen as stale.
 */
export const INGEST_VERSION = 2;

export interface LoadCorpusOptions {
  /** Receives a warning per skipped file (default: silent). */
  logger?: Logger;
  /** Files larger than this many bytes are skipped (default `MAX_FILE_BYTES`). */
  maxFileBytes?: number;
  /**
   * A folder where text extracted from PDF, HTML and Word files is kept, by the file's hash:
   * telling whether an index is current needs the text, and pdf.js takes about as long to
   * read a long PDF as loading its index. Default: none (extract every time).
   */
  extractionCache?: string;
}

/** Bump when an extractor changes what it produces, so cached extractions are not reused. */
export const EXTRACTION_VERSION = 1;

export interface SkippedFile {
  /** Path relative to the corpus folder, '/' separators. */
  path: string;
  reason: string;
}


/** A corpus file as read from disk, before parsing: what the index is built from. */
export interface CorpusFile {
  /** Path relative to the corpus folder, '/' separators. */
  id: string;
  /** Absolute path. */
  path: string;
  format: DocumentFormat;
  /**
   * Decoded text, BOM included when the file has one (parseDocument removes it); for a PDF,
   * web page or Word file, the text extracted from it, which is what gets quoted.
   */
  text: string;
  meta?: DocumentMeta;
  /** PDF, HTML, DOCX: the layout the text was extracted with (headings, pages) and the title the file states. */
  extracted?: { layout: LayoutBlock[]; title?: string };
}

export interface ReadCorpus {
  /** Sorted by id. */
  files: CorpusFile[];
  skipped: SkippedFile[];
}

/**
 * Reads the corpus files without parsing them: enough to tell whether an index is current
 * (see `corpusHash`), which is all a start with a current index needs.
 */
export async function readCorpus(target: string, options: LoadCorpusOptions = {}): Promise<ReadCorpus> {
  const logger = options.logger ?? silentLogger;
  const limits: ReadLimits = { maxFileBytes: options.maxFileBytes ?? MAX_FILE_BYTES, ...(options.extractionCache ? { extractionCache: options.extractionCache } : {}), extractOne: oneAfterAnother() };
  const absolute = path.resolve(target);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    throw new Error(`Cannot load "${target}": ${describeError(error)}`);
  }

  if (!info.isDirectory()) {
    const format = formatOf(absolute);
    if (!format) {
      throw new Error(`Cannot load "${target}": unsupported file type (expected ${SUPPORTED_EXTENSIONS.join(', ')}, or a plain-text file without an extension)`);
    }
    const result = await readCorpusFile(absolute, path.basename(absolute), format, logger, limits);
    if ('reason' in result) throw new Error(`Cannot load "${target}": ${result.reason}`);
    return { files: [result], skipped: [] };
  }

  const skipped: SkippedFile[] = [];
  const paths: string[] = [];
  await collectFiles(absolute, absolute, paths, skipped);
  const ids = paths.map((file) => toId(absolute, file));
  const order = ids.map((_, i) => i).sort((a, b) => compare(ids[a]!, ids[b]!));

  // Several files at a time: each is a few file-system calls on the thread pool, which one
  // after another mostly wait, and at start-up wait longer while the model loads beside them.
  const results = await pMap(order, (i) => readCorpusFile(paths[i]!, ids[i]!, formatOf(paths[i]!) ?? 'text', logger, limits), { concurrency: READ_CONCURRENCY });
  const files: CorpusFile[] = [];
  for (const [k, i] of order.entries()) {
    const id = ids[i]!;
    const result = results[k]!;
    if ('reason' in result) {
      // A file without an extension is only taken to be text; a binary one (a program, an
      // image) was never a document, so it is passed over without a warning.
      if (!hasExtension(id) && /binary|UTF-8/.test(result.reason)) {
        logger.debug({ path: id, reason: result.reason }, 'passed over a file without an extension');
        continue;
      }
      skipped.push({ path: id, reason: result.reason });
      logger.warn({ path: id, reason: result.reason }, skippedMessage(id, result.reason));
    } else {
      files.push(result);
    }
  }
  skipped.sort((a, b) => compare(a.path, b.path));
  return { files, skipped };
}

/**
 * A sha256 (hex) of everything the index is built from: each file's id, format, metadata
 * and text, in id order, plus `INGEST_VERSION`. Equal hashes mean an index is still current.
 * It needs no parsing, so checking an index at start-up costs a read of the files.
 */
export function corpusHash(files: readonly CorpusFile[]): string {
  const hash = createHash('sha256');
  hash.update(`verbatim-ingest-${INGEST_VERSION}\n`);
  const sorted = [...files].sort((a, b) => compare(a.id, b.id));
  for (const file of sorted) {
    // JSON keeps the fields unambiguous (no separator can be forged by the text).
    const fields: unknown[] = [file.id, file.format, file.meta?.title ?? null, file.meta?.source ?? null, file.text];
    // Only extracted formats carry a layout, so the hashes of .txt and .md corpora are unchanged.
    if (file.extracted) fields.push(file.extracted);
    hash.update(JSON.stringify(fields));
    hash.update('\n');
  }
  return hash.digest('hex');
}

async function readCorpusFile(file: string, id: string, format: DocumentFormat, logger: Logger, limits: ReadLimits): Promise<CorpusFile | { reason: string }> {
  if (isExtractedFormat(format)) {
    const read = await readBytes(file, limits.maxFileBytes);
    if ('reason' in read) return read;
    const extracted = await extractCached(format, read.bytes, limits, logger);
    if ('reason' in extracted) return extracted;
    const meta = await readMeta(file, id, logger);
    return { id, path: file, format, text: extracted.text, ...(meta ? { meta } : {}), extracted: { layout: extracted.layout, ...(extracted.title ? { title: extracted.title } : {}) } };
  }
  const read = await readText(file, limits.maxFileBytes);
  if ('reason' in read) return read;
  const meta = await readMeta(file, id, logger);
  return { id, path: file, format, text: read.text, ...(meta ? { meta } : {}) };
}

/** The file's bytes, or why it cannot be used (missing, too large, empty). */
export async function readBytes(file: string, maxFileBytes = MAX_FILE_BYTES): Promise<{ bytes: Buffer } | { reason: string }> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return { reason: 'not a regular file' };
    if (info.size > maxFileBytes) {
      return { reason: `too large (${megabytes(info.size)}; the limit is ${megabytes(maxFileBytes)})` };
    }
    const bytes = await readFile(file);
    return bytes.length === 0 ? { reason: 'empty file' } : { bytes };
  } catch (error) {
    return { reason: `unreadable (${describeError(error)})` };
  }
}

/**
 * The text of a PDF, web page or Word file, or why there is none (a scan, a broken file).
 * The extractors load only when such a file is read.
 */
export async function extractText(format: 'pdf' | 'html' | 'docx', bytes: Uint8Array): Promise<Extracted | { reason: string }> {
  try {
    if (format === 'pdf') return await (await import('./extractPdf.js')).extractPdf(bytes);
    if (format === 'docx') return await (await import('./extractDocx.js')).extractDocx(bytes);
    return (await import('./extractHtml.js')).extractHtml(new TextDecoder('utf-8').decode(bytes));
  } catch (error) {
    if (error instanceof ExtractError) return { reason: error.message };
    return { reason: `could not read its text (${(error as Error).message})` };
  }
}

interface ReadLimits {
  maxFileBytes: number;
  extractionCache?: string;
  /**
   * Runs one corpus's extractions one at a time: its files are read several at a time, and
   * extracting a large PDF holds far more memory than the file does. Per corpus, not per
   * process: one server's large upload does not hold up another's.
   */
  extractOne: <T>(task: () => Promise<T>) => Promise<T>;
}

/** Runs the tasks given to it one after another, in the order given; a failure does not stop the next. */
function oneAfterAnother(): <T>(task: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = last.then(task);
    last = run.catch(() => undefined);
    return run;
  };
}

/** `extractText`, remembered in `cacheDir` by the file's hash (a failure is not remembered). */
async function extractCached(format: 'pdf' | 'html' | 'docx', bytes: Buffer, limits: ReadLimits, logger: Logger): Promise<Extracted | { reason: string }> {
  const cacheDir = limits.extractionCache;
  if (!cacheDir) return limits.extractOne(() => extractText(format, bytes));
  const key = createHash('sha256').update(`${EXTRACTION_VERSION}\n${format}\n`).update(bytes).digest('hex');
  const file = path.join(cacheDir, `${key}.json`);
  const fromCache = async () => {
    try {
      const cached = JSON.parse(await readFile(file, 'utf8')) as { extracted?: Extracted };
      if (cached.extracted && typeof cached.extracted.text === 'string' && Array.isArray(cached.extracted.layout)) return cached.extracted;
    } catch {
      // Not cached yet (or unreadable): extract.
    }
    return undefined;
  };
  // Looked up again once its turn comes: a copy of the file read meanwhile may have cached it.
  return (await fromCache()) ?? limits.extractOne(async () => {
    const again = await fromCache();
    if (again) return again;
    const extracted = await extractText(format, bytes);
    if (!('reason' in extracted)) {
      try {
        await mkdir(cacheDir, { recursive: true });
        // Unique: another process (a second bot, `npm run index`) may be writing the same entry.
        const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
        await writeFile(tmp, JSON.stringify({ extracted }));
        await rename(tmp, file);
      } catch (error) {
        logger.warn({ cacheDir, error: describeError(error) }, 'could not keep the extracted text; it will be extracted again next time');
      }
    }
    return extracted;
  });
}

/** The file's text, or why it cannot be used. */
export async function readText(
  file: string,
  maxFileBytes = MAX_FILE_BYTES,
): Promise<{ text: string } | { reason: string }> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (!info.isFile()) return { reason: 'not a regular file' };
    if (info.size > maxFileBytes) {
      return { reason: `too large (${megabytes(info.size)}; the limit is ${megabytes(maxFileBytes)})` };
    }
    bytes = await readFile(file);
  } catch (error) {
    return { reason: `unreadable (${describeError(error)})` };
  }
  if (bytes.length === 0) return { reason: 'empty file' };
  if (bytes.includes(0)) return { reason: 'binary file (contains NUL bytes)' };
  let text: string;
  try {
    // fatal: reject invalid UTF-8 instead of inserting U+FFFD. Removes a leading BOM.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { reason: 'not valid UTF-8 text' };
  }
  if (text.trim().length === 0) return { reason: 'empty file (only whitespace)' };
  return { text };
}

/** `<name>.meta.json` beside the file, if any; a broken one is reported and ignored. */
async function readMeta(file: string, id: string, logger: Logger): Promise<DocumentMeta | undefined> {
  const sidecar = file.replace(/\.[^./\\]+$/, '') + META_SUFFIX;
  let raw: string;
  try {
    raw = await readFile(sidecar, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn({ path: id, sidecar, error: describeError(error) }, 'ignored unreadable metadata file');
    }
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    logger.warn({ path: id, sidecar, error: (error as Error).message }, 'ignored metadata file: not valid JSON');
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    logger.warn({ path: id, sidecar }, 'ignored metadata file: expected a JSON object');
    return undefined;
  }
  const { title, source } = data as Record<string, unknown>;
  const meta: DocumentMeta = {};
  if (typeof title === 'string' && title.trim()) meta.title = title.trim();
  if (typeof source === 'string' && source.trim()) meta.source = source.trim();
  return meta;
}

async function collectFiles(root: string, dir: string, files: string[], skipped: SkippedFile[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    skipped.push({ path: toId(root, dir) || '.', reason: `unreadable folder (${describeError(error)})` });
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await collectFiles(root, full, files, skipped);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && formatOf(entry.name)) {
      // Symlinks to files are followed when read; a broken one is skipped as unreadable.
      files.push(full);
    }
  }
}

function toId(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** The log line of a skipped file: its name and reason in the message itself (the command line prints only the message). */
export function skippedMessage(id: string, reason: string): string {
  return `skipped a corpus file: ${id} (${reason})`;
}

/** Code-unit order: the same on every machine, whatever the locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${bytes} bytes` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return code ? `${code}: ${(error as Error).message}` : String(error);
  }
}
