/**
 * Reading and parsing a corpus into documents. Parsing pulls in the Markdown parser, so the
 * engine loads this module only when it has to build an index.
 */
import path from 'node:path';
import type { ParsedDocument } from '../types.js';
import { parseDocument } from './parseDocument.js';
import { silentLogger } from '../silentLogger.js';
import { compare, readCorpus, skippedMessage, type CorpusFile, type LoadCorpusOptions, type SkippedFile } from './readCorpus.js';

export interface LoadedCorpus {
  /** Sorted by id (relative path). */
  documents: ParsedDocument[];
  skipped: SkippedFile[];
}

/**
 * Load `target`: a folder (every `.txt`, `.md`, `.markdown` below it, hidden entries and
 * `node_modules` excluded, sorted by relative path) or a single file. Throws when `target`
 * does not exist, or is a single file that cannot be used.
 */
export async function loadCorpus(target: string, options: LoadCorpusOptions = {}): Promise<LoadedCorpus> {
  const read = await readCorpus(target, options);
  const parsed = parseCorpus(read.files, options);
  // A file named on its own that has nothing to quote is an error, as a missing one is.
  if (parsed.documents.length === 0 && read.files.length === 1 && read.files[0]!.path === path.resolve(target)) {
    throw new Error(`Cannot load "${target}": ${parsed.skipped[0]!.reason}`);
  }
  const skipped = [...read.skipped, ...parsed.skipped].sort((a, b) => compare(a.path, b.path));
  (options.logger ?? silentLogger).info({ target, documents: parsed.documents.length, skipped: skipped.length }, 'corpus loaded');
  return { documents: parsed.documents, skipped };
}

/** Parses read files; a file with nothing to quote is skipped with its reason. */
export function parseCorpus(files: readonly CorpusFile[], options: LoadCorpusOptions = {}): LoadedCorpus {
  const logger = options.logger ?? silentLogger;
  const documents: ParsedDocument[] = [];
  const skipped: SkippedFile[] = [];
  const skip = (id: string, reason: string) => {
    skipped.push({ path: id, reason });
    logger.warn({ path: id, reason }, skippedMessage(id, reason));
  };
  for (const file of files) {
    let document: ParsedDocument;
    try {
      const onWarning = (message: string) => logger.warn({ path: file.id }, `${file.id}: ${message}`);
      document = parseDocument(file.text, { id: file.id, path: file.path, format: file.format, ...(file.meta ? { meta: file.meta } : {}), ...(file.extracted ? { extracted: file.extracted } : {}), onWarning });
    } catch (error) {
      // One file the parser cannot handle must not cost the rest of the corpus.
      skip(file.id, `could not be parsed (${(error as Error).message})`);
      continue;
    }
    if (!document.sections.some((s) => s.blocks.length > 0)) {
      skip(file.id, 'no text to quote (only headings, front matter or comments)');
      continue;
    }
    logger.debug({ id: file.id, sections: document.sections.length }, 'parsed a document');
    documents.push(document);
  }
  return { documents, skipped };
}
