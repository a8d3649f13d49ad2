/**
 * The index is verified, not trusted (issue 11): each damage an operator or a disk can do
 * is caught before anything is served from it — with rebuilding off, a one-line error naming
 * the file; with rebuilding on, a rebuild whose answers quote the source exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Verbatim } from '../../src/core/engine.js';
import { foldWhitespace } from '../../src/core/answer/makePassage.js';
import { MANIFEST_FILE, readIndex, readManifest, startReadingIndex, type IndexManifest } from '../../src/core/index/indexStore.js';
import { checksumOf, manifestChecksum } from '../../src/core/index/verifyIndex.js';
import type { Logger } from '../../src/core/types.js';
import { seedText, tempCorpus } from './helpers.js';

let built: { corpus: string; indexDir: string };
let manifest: IndexManifest;

beforeAll(async () => {
  built = tempCorpus('integrity');
  const engine = await Verbatim.open(built);
  manifest = engine.manifest;
  await engine.close();
});

/** A fresh copy of the built corpus and index to damage. */
function copy(): { corpus: string; indexDir: string } {
  const own = tempCorpus('integrity-copy');
  fs.cpSync(built.indexDir, own.indexDir, { recursive: true });
  return own;
}

function readManifestJson(dir: string): IndexManifest {
  return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as IndexManifest;
}

/** Writes a manifest signed as a build would sign it: damage that checksums alone would not catch. */
function writeSigned(dir: string, edited: Omit<IndexManifest, 'checksum'> & { checksum?: string }): void {
  const { checksum: _old, ...rest } = edited;
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...rest, checksum: manifestChecksum(rest) }, null, 2) + '\n');
}

/** Replaces a data file and records its new checksum, as a buggy (or forged) build would. */
function rewriteSigned(dir: string, key: keyof IndexManifest['files'], content: string | Buffer): void {
  const m = readManifestJson(dir);
  const name = m.files[key];
  fs.writeFileSync(path.join(dir, name), content);
  writeSigned(dir, { ...m, checksums: { ...m.checksums, [name]: checksumOf(fs.readFileSync(path.join(dir, name))) } });
}

function flipMiddle(file: string, bytes = 64): void {
  const data = fs.readFileSync(file);
  const middle = Math.floor(data.length / 2);
  for (let i = 0; i < bytes && middle + i < data.length; i++) data[middle + i] = 0xff;
  fs.writeFileSync(file, data);
}

function recordingLogger(): Logger & { lines: Array<{ level: string; msg?: string; obj: object }> } {
  const lines: Array<{ level: string; msg?: string; obj: object }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, ...(msg ? { msg } : {}) });
  return { lines, debug: () => {}, info: at('info'), warn: at('warn'), error: at('error') };
}

type Damage = (dir: string) => void;
const file = (key: keyof IndexManifest['files']) => (dir: string) => path.join(dir, manifest.files[key]);

const damages: Array<[string, Damage, RegExp]> = [
  ['64 bytes of 0xff in the middle of the vector file (was a segfault)', (d) => flipMiddle(file('vectors')(d)), /vectors-.*checksum/],
  ['one flipped byte in the vector file', (d) => flipMiddle(file('vectors')(d), 1), /vectors-.*checksum/],
  ['a changed word in the stored documents (still valid JSON)', (d) => fs.writeFileSync(file('documents')(d), fs.readFileSync(file('documents')(d), 'utf8').replace('Taliban', 'Tolibon')), /documents-.*checksum/],
  ['random bytes in the word-vector file', (d) => flipMiddle(file('wordVectors')(d), 16), /words-.*checksum/],
  [
    'two chunk rows swapped',
    (d) => {
      const rows = JSON.parse(fs.readFileSync(file('chunks')(d), 'utf8')) as unknown[];
      [rows[0], rows[1]] = [rows[1], rows[0]];
      fs.writeFileSync(file('chunks')(d), JSON.stringify(rows));
    },
    /chunks-.*checksum/,
  ],
  ['a manifest without calibration', (d) => writeSigned(d, { ...readManifestJson(d), calibration: undefined as never }), /manifest\.json: calibration/],
  ['a manifest without chunker', (d) => writeSigned(d, { ...readManifestJson(d), chunker: undefined as never }), /manifest\.json: chunker/],
  ['a manifest without model', (d) => writeSigned(d, { ...readManifestJson(d), model: undefined as never }), /manifest\.json: model/],
  ['an edited manifest (not signed again)', (d) => fs.writeFileSync(path.join(d, MANIFEST_FILE), JSON.stringify({ ...readManifestJson(d), counts: { ...manifest.counts, chunks: 3 } })), /manifest\.json: .*checksum/],
  // The sentence vectors' size is checked before the vector index's header is awaited.
  ['a wrong model dimension', (d) => writeSigned(d, { ...readManifestJson(d), model: { ...manifest.model, dimension: 64 } }), /sentences-.*holds \d+ bytes, expected \d+/],
  [
    // The guard in front of the native library, which would read vectors of the wrong length.
    'a vector index of another dimension, signed',
    (d) => {
      const bytes = fs.readFileSync(file('vectors')(d));
      bytes.writeBigUInt64LE(bytes.readBigUInt64LE(32) - 256n, 32); // label offset: 64 floats fewer per vector
      rewriteSigned(d, 'vectors', bytes);
    },
    /vectors-.*holds vectors of 320 dimensions, the model has 384/,
  ],
  [
    'a chunk whose sentence index is out of range',
    (d) => {
      const rows = JSON.parse(fs.readFileSync(file('chunks')(d), 'utf8')) as number[][];
      rows[2]![3] = 100_000;
      rewriteSigned(d, 'chunks', JSON.stringify(rows));
    },
    /chunks-.*chunk 2: sentences .* out of range/,
  ],
  [
    'a chunk whose document index is out of range',
    (d) => {
      const rows = JSON.parse(fs.readFileSync(file('chunks')(d), 'utf8')) as number[][];
      rows[0]![0] = 7;
      rewriteSigned(d, 'chunks', JSON.stringify(rows));
    },
    /chunks-.*chunk 0: document 7 out of range/,
  ],
  [
    'a sentence range outside its block',
    (d) => {
      const docs = JSON.parse(fs.readFileSync(file('documents')(d), 'utf8'));
      docs[0].sections[1].blocks[0].sentences[0].end = 10_000_000;
      rewriteSigned(d, 'documents', JSON.stringify(docs));
    },
    /documents-.*range outside its block/,
  ],
  [
    'stored text that differs from the corpus file, signed',
    (d) => {
      const docs = JSON.parse(fs.readFileSync(file('documents')(d), 'utf8'));
      docs[0].text = docs[0].text.replace('Taliban', 'Tolibon');
      rewriteSigned(d, 'documents', JSON.stringify(docs));
    },
    /documents-.*text of seed\.txt is not the file's/,
  ],
  ['a file entry pointing outside the index folder', (d) => writeSigned(d, { ...readManifestJson(d), files: { ...manifest.files, vectors: '../../../dev/zero' } }), /files\.vectors: must be a plain file name/],
  [
    'a data file replaced by a symbolic link out of the folder',
    (d) => {
      const outside = path.join(path.dirname(d), 'outside.json');
      fs.renameSync(file('lexical')(d), outside);
      fs.symlinkSync(outside, file('lexical')(d));
    },
    /lexical-.*symbolic link/,
  ],
  ['a missing data file', (d) => fs.rmSync(file('vocabulary')(d)), /vocabulary-.*missing/],
  ['a truncated data file', (d) => fs.truncateSync(file('sentenceFrequency')(d), 10), /frequencies-.*bytes, it was written with/],
];

describe('a damaged index is never served from', () => {
  it.each(damages)('%s: one-line error with rebuild off, rebuild with auto', async (_name, damage, names) => {
    const own = copy();
    damage(own.indexDir);
    const error = await Verbatim.open({ ...own, rebuild: 'never' }).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(error?.code).toBe('INDEX_CORRUPT');
    expect(error?.message).toMatch(names);
    expect(error?.message).not.toContain('\n');

    const logger = recordingLogger();
    const rebuilt = await Verbatim.open({ ...own, logger });
    expect(rebuilt.rebuiltBecause).toMatch(names);
    // One log line says why.
    expect(logger.lines.filter((l) => l.level === 'warn' && names.test(l.msg ?? ''))).toHaveLength(1);
    const answer = await rebuilt.ask('Why did Russia recognize the Taliban?');
    expect(answer.answered).toBe(true);
    for (const p of answer.passages) expect(p.quote).toBe(foldWhitespace(seedText.slice(p.start, p.end)));
    await rebuilt.close();
  });
});

describe('an index read through the worker thread (as a large one is)', () => {
  it('loads what reading on the main thread loads, and refuses a damaged file the same way', async () => {
    const own = copy();
    const m = readManifest(own.indexDir)!;
    const here = await readIndex(own.indexDir, m);
    const there = await readIndex(own.indexDir, m, startReadingIndex(own.indexDir, m, 0));
    expect(there.documents).toEqual(here.documents);
    expect(there.chunks).toEqual(here.chunks);
    expect(there.sentenceVectors).toEqual(here.sentenceVectors);
    expect(there.vectors.search(here.sentenceVectors.subarray(0, m.model.dimension), 5)).toEqual(here.vectors.search(here.sentenceVectors.subarray(0, m.model.dimension), 5));
    flipMiddle(path.join(own.indexDir, m.files.lexical), 1);
    await expect(readIndex(own.indexDir, m, startReadingIndex(own.indexDir, m, 0))).rejects.toThrow(/lexical-.*checksum mismatch/);
  });
});

describe('an index folder given as a relative path', () => {
  it('is read and verified like an absolute one', async () => {
    const relative = path.relative(process.cwd(), built.indexDir);
    expect(path.isAbsolute(relative)).toBe(false);
    const read = readManifest(relative)!;
    expect(read.checksum).toBe(manifest.checksum);
    const loaded = await readIndex(relative, read);
    expect(loaded.chunks).toHaveLength(manifest.counts.chunks);
  });
});

describe('an index folder that cannot hold an index', () => {
  it('explains an index folder that is a file, in both modes', async () => {
    const own = tempCorpus('integrity-file');
    fs.writeFileSync(own.indexDir, 'not a folder');
    for (const rebuild of ['never', 'auto'] as const) {
      await expect(Verbatim.open({ ...own, rebuild })).rejects.toMatchObject({ code: 'INDEX_UNUSABLE', message: expect.stringMatching(/index folder .* is a file, not a folder/) });
    }
  });

  it('explains a manifest that is a folder, in both modes', async () => {
    const own = copy();
    fs.rmSync(path.join(own.indexDir, MANIFEST_FILE));
    fs.mkdirSync(path.join(own.indexDir, MANIFEST_FILE));
    for (const rebuild of ['never', 'auto'] as const) {
      await expect(Verbatim.open({ ...own, rebuild })).rejects.toMatchObject({ code: 'INDEX_UNUSABLE', message: expect.stringMatching(/manifest\.json is a folder/) });
    }
  });
});

describe('quotes are checked against the source at answer time', () => {
  let engine: Verbatim;
  const logger = recordingLogger();
  afterAll(async () => engine?.close());

  it('drops and logs a quote that does not match the file, for answers, sections, summaries and quizzes', async () => {
    const own = copy();
    engine = await Verbatim.open({ ...own, logger, rebuild: 'never' });
    // Damage the loaded copy of the text (what a bug or a bad index would do): the source file is unchanged.
    const state = (engine as unknown as { state: { documents: Array<{ text: string }> } }).state;
    state.documents[0]!.text = state.documents[0]!.text.replace(/Taliban/g, 'Tolibon');

    const answer = await engine.ask('Why did Russia recognize the Taliban?');
    for (const p of answer.passages) expect(p.quote).toBe(foldWhitespace(seedText.slice(p.start, p.end)));
    const section = engine.sectionText('seed.txt', 1);
    for (const p of section) expect(p.quote).toBe(foldWhitespace(seedText.slice(p.start, p.end)));
    const summary = await engine.summarise({ sentences: 20 });
    for (const p of summary.passages) expect(p.quote).toBe(foldWhitespace(seedText.slice(p.start, p.end)));
    for (let seed = 0; seed < 20; seed++) {
      const quiz = engine.quiz({ seed });
      if (quiz) expect(quiz.passage.quote).toBe(foldWhitespace(seedText.slice(quiz.passage.start, quiz.passage.end)));
    }
    const faults = logger.lines.filter((l) => l.level === 'error' && (l.obj as { code?: string }).code === 'INDEX_FAULT');
    const contexts = new Set(faults.map((f) => (f.obj as { context: string }).context));
    expect([...contexts].sort()).toEqual(expect.arrayContaining(['ask', 'section', 'summary']));
  });
});

describe('what killed builds leave behind', () => {
  it('is removed when the next build starts, if its process is gone; a live build keeps its files', async () => {
    const own = copy();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const killed = [`vectors-mx2zzzzz-${dead}-abcdef.hnsw`, `words-mx2zzzzz-${dead}-abcdef.f32.${dead}.0badcafe.tmp`, `manifest.json.${dead}.0badcafe.tmp`];
    const live = `vectors-mx2zzzzz-${process.pid}-abcdef.hnsw`;
    for (const name of [...killed, live]) fs.writeFileSync(path.join(own.indexDir, name), 'partial');
    const rebuilt = await Verbatim.open({ ...own, rebuild: 'always' });
    await rebuilt.close();
    const names = fs.readdirSync(own.indexDir);
    for (const name of killed) expect(names).not.toContain(name);
    expect(names).toContain(live);
  });
});
