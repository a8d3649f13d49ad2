/**
 * Documents that groups (Discord servers, for the bot) bring themselves: each document is a
 * one-file corpus with its own small index, under `root/<group>/<key>/`, listed in
 * `root/<group>/documents.json`. Engines load lazily, the first time a group asks, share one
 * embedding model, and the least recently used are let go past `maxLoaded`, so a group
 * nobody asks costs a folder on disk and nothing in memory.
 *
 * Adding a document checks everything that can be checked at once (type, size, count, name,
 * whether text can be extracted) before anything is kept; indexing then runs in the
 * background while every other document keeps answering.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Embedder } from '../embed/loadEmbedder.js';
import { memoizeQueries } from '../embed/memoizeQueries.js';
import { LONE_SURROGATE } from '../text/printable.js';
import { Verbatim, type VerbatimOptions } from '../engine.js';
import { formatOf, SUPPORTED_EXTENSIONS, type DocumentFormat } from '../ingest/formats.js';
import { parseCorpus } from '../ingest/loadCorpus.js';
import { META_SUFFIX, readCorpus } from '../ingest/readCorpus.js';
import { silentLogger } from '../silentLogger.js';
import type { Logger, ProgressHook, VerbatimEngine } from '../types.js';

export interface LibraryOptions {
  /** Where every group's documents live. */
  root: string;
  /**
   * The model every document index uses: one copy for all (see `Verbatim.embedder`), or how
   * to load it the first time a document is opened (a bot whose servers upload nothing never
   * holds it).
   */
  embedder: Embedder | (() => Promise<Embedder>);
  /** Largest file accepted, in bytes. */
  maxFileBytes: number;
  /** Most documents one group may have. */
  maxDocumentsPerGroup: number;
  /** Most document engines kept in memory at once; the least recently used go first. */
  maxLoaded: number;
  logger?: Logger;
  /** Passed to every document's engine (chunking, retrieval tuning). */
  engine?: Pick<VerbatimOptions, 'chunker' | 'fusion' | 'quotes'>;
}

export type DocumentStatus = 'indexing' | 'ready';

export interface LibraryDocument {
  /** The id answers cite (`documentId`): the file name as uploaded, made safe. */
  id: string;
  title: string;
  format: DocumentFormat;
  bytes: number;
  /** Where readers can find the original (a URL or a message link). */
  source?: string;
  addedBy?: string;
  /** Milliseconds since the epoch. */
  addedAt: number;
  status: DocumentStatus;
  /** Folder of this document under the group's folder. */
  key: string;
}

/**
 * Why a document was not added or removed, in words for the person who tried: never an
 * inner error's message, which may name server paths (those go to the log).
 */
export class LibraryError extends Error {
  override name = 'LibraryError';
  constructor(
    readonly code: 'UNSUPPORTED' | 'TOO_LARGE' | 'TOO_MANY' | 'DUPLICATE' | 'UNREADABLE' | 'UNKNOWN_DOCUMENT' | 'INDEXING_FAILED',
    message: string,
  ) {
    super(message);
  }
}

const MANIFEST = 'documents.json';
const GROUP_ID = /^[A-Za-z0-9_-]{1,64}$/;

interface Loaded {
  engine?: Verbatim;
  /** Settles once the engine is open (or failed to open). */
  opening: Promise<Verbatim>;
}

export class DocumentLibrary {
  private readonly loaded = new Map<string, Loaded>();
  /** Folders of documents removed while they were built, removed once the build is done (by cache key). */
  private readonly cleaning = new Map<string, Promise<void>>();
  private readonly logger: Logger;
  /** The shared model, embedding each question once for all the documents it is asked of; loaded on first use. */
  private embedder: Promise<Embedder> | undefined;
  /** The model as loaded, when the library loaded it (its to dispose of). */
  private own: Promise<Embedder> | undefined;

  constructor(private readonly options: LibraryOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  private model(): Promise<Embedder> {
    const given = this.options.embedder;
    if (!this.embedder) {
      const raw = typeof given === 'function' ? (this.own = given()) : Promise.resolve(given);
      this.embedder = raw.then((e) => memoizeQueries(e));
      // A failed load is tried again next time rather than remembered.
      this.embedder.catch(() => (this.embedder = this.own = undefined));
    }
    return this.embedder;
  }

  /** A group's documents, in the order they were added. */
  list(group: string): LibraryDocument[] {
    return this.readManifest(group);
  }

  /**
   * Checks and keeps a document, then indexes it in the background. Resolves once it is kept
   * (`indexed` settles when it answers, or rejects with a `LibraryError` and nothing kept).
   * Throws a `LibraryError` and keeps nothing when the file cannot be used.
   */
  async add(
    group: string,
    file: { name: string; bytes: Uint8Array; source?: string; addedBy?: string },
    onProgress?: ProgressHook,
  ): Promise<{ document: LibraryDocument; indexed: Promise<LibraryDocument> }> {
    const id = safeFileName(file.name);
    const format = formatOf(id);
    if (!format) throw new LibraryError('UNSUPPORTED', `“${id}” is not a document I can read: expected ${SUPPORTED_EXTENSIONS.join(', ')}.`);
    if (file.bytes.length > this.options.maxFileBytes) {
      throw new LibraryError('TOO_LARGE', `“${id}” is ${megabytes(file.bytes.length)}; the limit is ${megabytes(this.options.maxFileBytes)}.`);
    }
    if (file.bytes.length === 0) throw new LibraryError('UNREADABLE', `“${id}” is empty.`);
    const existing = this.readManifest(group);
    if (existing.length >= this.options.maxDocumentsPerGroup) {
      throw new LibraryError('TOO_MANY', `This server already has ${existing.length} documents, the most it may have. Remove one first.`);
    }
    if (existing.some((d) => d.id === id)) throw new LibraryError('DUPLICATE', `There is already a document named “${id}”. Remove it first to replace it.`);

    const key = randomBytes(6).toString('hex');
    const folder = this.folder(group, key);
    const filesDir = path.join(folder, 'files');
    fs.mkdirSync(filesDir, { recursive: true });
    let title: string;
    try {
      fs.writeFileSync(path.join(filesDir, id), file.bytes);
      if (file.source) fs.writeFileSync(path.join(filesDir, id.replace(/\.[^.]+$/, '') + META_SUFFIX), JSON.stringify({ source: file.source }));
      // The same reading and parsing the index is built from: a file that fails here would fail there.
      const read = await readCorpus(filesDir, { maxFileBytes: this.options.maxFileBytes, extractionCache: path.join(folder, 'extracted') });
      if (read.skipped.length > 0 || read.files.length === 0) throw new LibraryError('UNREADABLE', `I cannot use “${id}”: ${read.skipped[0]?.reason ?? 'no text'}.`);
      const parsed = parseCorpus(read.files);
      if (parsed.documents.length === 0) throw new LibraryError('UNREADABLE', `I cannot use “${id}”: ${parsed.skipped[0]?.reason ?? 'no text'}.`);
      title = parsed.documents[0]!.title;
    } catch (error) {
      fs.rmSync(folder, { recursive: true, force: true });
      if (error instanceof LibraryError) throw error;
      // An unexpected error's message names server paths: it goes to the log, not to the person.
      this.logger.warn({ group, document: id, err: error }, 'a document could not be read; it was not kept');
      throw new LibraryError('UNREADABLE', `I cannot use “${id}”: its text could not be read.`);
    }

    const document: LibraryDocument = {
      id,
      title,
      format,
      bytes: file.bytes.length,
      ...(file.source ? { source: file.source } : {}),
      ...(file.addedBy ? { addedBy: file.addedBy } : {}),
      addedAt: Date.now(),
      status: 'indexing',
      key,
    };
    this.updateManifest(group, (docs) => [...docs.filter((d) => d.id !== id), document]);
    const cacheKey = this.cacheKey(group, key);
    // Everything below goes by `key`, never by name: the document may have been removed while
    // it was indexed, and another of the same name added since.
    const removed = async () => {
      await this.cleaning.get(cacheKey);
      return new LibraryError('UNKNOWN_DOCUMENT', `“${id}” was removed before it was ready.`);
    };
    const indexed = this.open(group, document, onProgress).then(
      async () => {
        if (!this.readManifest(group).some((d) => d.key === key)) throw await removed();
        return this.updateManifest(group, (docs) => docs.map((d) => (d.key === key ? { ...d, status: 'ready' as const } : d))).find((d) => d.key === key)!;
      },
      async (error: unknown) => {
        this.logger.warn({ group, document: id, err: error }, 'indexing a document failed; it was not kept');
        if (!this.readManifest(group).some((d) => d.key === key)) throw await removed();
        await this.forget(group, key);
        // The reason (logged above) names server paths; the person learns what to do.
        throw new LibraryError('INDEXING_FAILED', `Indexing “${id}” failed, so it was not kept. Try adding it again.`);
      },
    );
    indexed.catch(() => undefined); // the caller reports it; never an unhandled rejection
    return { document, indexed };
  }

  /** Removes a document and its index; resolves with what was removed. */
  async remove(group: string, id: string): Promise<LibraryDocument> {
    const document = this.readManifest(group).find((d) => d.id === id);
    if (!document) throw new LibraryError('UNKNOWN_DOCUMENT', `There is no document “${id}” in this server.`);
    await this.forget(group, document.key);
    return document;
  }

  /** Removes every document of a group and its folder; resolves with how many there were. */
  async removeGroup(group: string): Promise<number> {
    const documents = this.readManifest(group);
    const unloaded = await Promise.all(documents.map((d) => this.unload(group, d.key)));
    fs.rmSync(this.groupDir(group), { recursive: true, force: true });
    documents.forEach((d, i) => this.cleanWhenBuilt(group, d.key, unloaded[i]!.building));
    return documents.length;
  }

  /**
   * Takes a document off the list, out of memory and off the disk, by its folder key (a
   * document added since under the same name is another one, and stays).
   */
  private async forget(group: string, key: string): Promise<void> {
    this.updateManifest(group, (docs) => docs.filter((d) => d.key !== key));
    const { building } = await this.unload(group, key);
    fs.rmSync(this.folder(group, key), { recursive: true, force: true });
    this.cleanWhenBuilt(group, key, building);
  }

  /**
   * A build still running when its document was removed writes its index into the folder
   * when it finishes: the folder is removed again then (and the group's, if that left it empty).
   */
  private cleanWhenBuilt(group: string, key: string, building: Promise<void> | undefined): void {
    if (!building) return;
    const cacheKey = this.cacheKey(group, key);
    const cleaning = building.then(() => {
      try {
        fs.rmSync(this.folder(group, key), { recursive: true, force: true });
        const dir = this.groupDir(group);
        if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
      } catch (error) {
        this.logger.warn({ group, key, err: error }, 'could not remove a removed document’s folder');
      }
      if (this.cleaning.get(cacheKey) === cleaning) this.cleaning.delete(cacheKey);
    });
    this.cleaning.set(cacheKey, cleaning);
  }

  /**
   * Engines for a group's documents that are ready (all, or those in `ids`), loading the ones
   * not in memory. Documents still being indexed are left out.
   */
  async engines(group: string, ids?: readonly string[]): Promise<VerbatimEngine[]> {
    const wanted = this.readManifest(group).filter((d) => !ids || ids.includes(d.id));
    const engines = await Promise.all(
      wanted.map(async (d) => {
        const cached = this.loaded.get(this.cacheKey(group, d.key));
        if (cached && !cached.engine) return undefined; // still indexing
        if (d.status !== 'ready' && !cached) {
          // Interrupted by a restart: index it again in the background.
          void this.open(group, d).then(() => this.updateManifest(group, (docs) => docs.map((x) => (x.key === d.key ? { ...x, status: 'ready' as const } : x))), () => undefined);
          return undefined;
        }
        try {
          return await this.open(group, d);
        } catch (error) {
          this.logger.warn({ group, document: d.id, err: error }, 'could not load a document index');
          return undefined;
        }
      }),
    );
    return engines.filter((e): e is Verbatim => e !== undefined);
  }

  /** How many document engines are in memory now. */
  get loadedCount(): number {
    return [...this.loaded.values()].filter((l) => l.engine).length;
  }

  /** Groups with a folder here (documents added at some point). */
  groups(): string[] {
    if (!fs.existsSync(this.options.root)) return [];
    return fs.readdirSync(this.options.root).filter((name) => GROUP_ID.test(name));
  }

  async close(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(all.map((l) => l.opening.then((e) => e.close(), () => undefined)));
    await Promise.all(this.cleaning.values());
    // A model the library loaded itself is its to dispose of; one it was given is not.
    await (await this.own?.catch(() => undefined))?.dispose();
  }

  /** Opens (building when needed) a document's engine, once; keeps the most recently used. */
  private open(group: string, document: LibraryDocument, onProgress?: ProgressHook): Promise<Verbatim> {
    const cacheKey = this.cacheKey(group, document.key);
    const cached = this.loaded.get(cacheKey);
    if (cached) {
      // Most recently used last: Map iteration is insertion order.
      this.loaded.delete(cacheKey);
      this.loaded.set(cacheKey, cached);
      return cached.opening;
    }
    const folder = this.folder(group, document.key);
    const entry: Loaded = {
      opening: this.model().then((sharedEmbedder) =>
        Verbatim.open({
          ...this.options.engine,
          corpus: path.join(folder, 'files'),
          indexDir: path.join(folder, 'index'),
          extractionCache: path.join(folder, 'extracted'),
          sharedEmbedder,
          logger: this.logger,
          ...(onProgress ? { onProgress } : {}),
        }),
      ),
    };
    this.loaded.set(cacheKey, entry);
    entry.opening.then(
      (engine) => {
        entry.engine = engine;
        this.evict();
      },
      () => {
        if (this.loaded.get(cacheKey) === entry) this.loaded.delete(cacheKey);
      },
    );
    return entry.opening;
  }

  /** Lets go of the least recently used loaded engines beyond `maxLoaded` (never one still opening). */
  private evict(): void {
    let excess = this.loadedCount - this.options.maxLoaded;
    for (const [key, entry] of this.loaded) {
      if (excess <= 0) break;
      if (!entry.engine) continue;
      this.loaded.delete(key);
      void entry.engine.close();
      excess--;
    }
  }

  /**
   * Forgets a document's engine; one still being built is closed when it is done, not waited
   * for: `building` settles then.
   */
  private async unload(group: string, key: string): Promise<{ building?: Promise<void> }> {
    const entry = this.loaded.get(this.cacheKey(group, key));
    this.loaded.delete(this.cacheKey(group, key));
    if (entry?.engine) await entry.engine.close();
    return entry && !entry.engine ? { building: entry.opening.then((e) => e.close(), () => undefined) } : {};
  }

  private cacheKey(group: string, key: string): string {
    return `${group}/${key}`;
  }

  private groupDir(group: string): string {
    if (!GROUP_ID.test(group)) throw new Error(`DocumentLibrary: invalid group id ${JSON.stringify(group)}`);
    return path.join(this.options.root, group);
  }

  private folder(group: string, key: string): string {
    return path.join(this.groupDir(group), key);
  }

  private readManifest(group: string): LibraryDocument[] {
    try {
      const data = JSON.parse(fs.readFileSync(path.join(this.groupDir(group), MANIFEST), 'utf8')) as { documents?: LibraryDocument[] };
      return Array.isArray(data.documents) ? data.documents : [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn({ group, err: error }, 'unreadable documents list; treating it as empty');
      return [];
    }
  }

  /** Read, change, write in one synchronous step (no other change can come between), atomically. */
  private updateManifest(group: string, change: (documents: LibraryDocument[]) => LibraryDocument[]): LibraryDocument[] {
    const documents = change(this.readManifest(group));
    const dir = this.groupDir(group);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, MANIFEST);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ version: 1, documents }, null, 1));
    fs.renameSync(tmp, file);
    return documents;
  }
}

/**
 * Longest document name kept, in UTF-16 code units: the name is the id people pick from
 * Discord's autocomplete, whose values are at most 100 characters.
 */
export const MAX_NAME_CHARS = 100;
/** Longest document name kept, in UTF-8 bytes: file systems allow 255, and the sidecar adds its suffix. */
export const MAX_NAME_BYTES = 200;

/**
 * A file name safe on every file system, that still reads as the uploaded one. A longer
 * name keeps its start, a short hash of the whole name and its extension, within
 * MAX_NAME_CHARS and MAX_NAME_BYTES, cut between characters (never inside an emoji's
 * surrogate pair, which would leave a name that is not the file's).
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\u0000-\u001f<>:"|?*]+/g, '_')
    .replace(LONE_SURROGATE, '_') // half a character
    .replace(/^\.+/, '')
    .trim();
  const extension = /\.[A-Za-z0-9]{1,10}$/.exec(cleaned)?.[0] ?? '';
  const stem = [...cleaned.slice(0, cleaned.length - extension.length)];
  const fits = (text: string) => text.length <= MAX_NAME_CHARS && Buffer.byteLength(text) <= MAX_NAME_BYTES;
  if (fits(cleaned)) return cleaned || 'document.txt';
  // Cut: a short hash of the whole name keeps apart names that differ only past the cut
  // ("…chapter-01.pdf", "…chapter-02.pdf").
  const mark = ` ~${createHash('sha256').update(cleaned).digest('hex').slice(0, 6)}`;
  while (stem.length > 0 && !fits(stem.join('') + mark + extension)) stem.pop();
  return (stem.join('').trim() + mark + extension).replace(/^\.+/, '') || 'document.txt';
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
