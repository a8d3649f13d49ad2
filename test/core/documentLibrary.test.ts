/** Groups' own documents: checked before they are kept, indexed in the background, loaded lazily, kept apart. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Verbatim } from '../../src/core/engine.js';
import { DocumentSet } from '../../src/core/documentSet.js';
import { DocumentLibrary, LibraryError, MAX_NAME_BYTES, MAX_NAME_CHARS, safeFileName } from '../../src/core/library/documentLibrary.js';
import { tempCorpus } from './helpers.js';
import { makePdf } from './ingest/makeFiles.js';

let shared: Verbatim;
let root: string;
const library = (options: Partial<ConstructorParameters<typeof DocumentLibrary>[0]> = {}) =>
  new DocumentLibrary({ root, embedder: shared.embedder, maxFileBytes: 100_000, maxDocumentsPerGroup: 3, maxLoaded: 10, ...options });

const volcanoes = '# Volcanoes\n\nA volcano erupts when magma rises through cracks in the crust. Lava flows destroy villages.\n\n## Ash\n\nVolcanic ash grounds aircraft for days.\n';
const rivers = '# Rivers\n\nRivers carry sediment to the sea and build deltas at their mouths.\n';

beforeAll(async () => {
  shared = await Verbatim.open(tempCorpus('library'));
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-library-'));
});
afterAll(async () => {
  await shared?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('DocumentLibrary', () => {
  it('adds a document, indexes it in the background, and answers from it', async () => {
    const lib = library();
    const progress: string[] = [];
    const { document, indexed } = await lib.add('111', { name: 'volcanoes.md', bytes: Buffer.from(volcanoes), source: 'https://example.org/v', addedBy: 'u1' }, (e) => progress.push(e.phase));
    expect(document).toMatchObject({ id: 'volcanoes.md', title: 'Volcanoes', status: 'indexing', source: 'https://example.org/v' });
    expect(lib.list('111').map((d) => d.status)).toEqual(['indexing']);
    expect((await indexed).status).toBe('ready');
    expect(progress.length).toBeGreaterThan(0);
    expect(lib.list('111').map((d) => d.status)).toEqual(['ready']);
    const [engine] = await lib.engines('111');
    const answer = await engine!.ask('Why does a volcano erupt?');
    expect(answer.passages[0]).toMatchObject({ documentId: 'volcanoes.md', source: 'https://example.org/v' });
    expect(answer.passages[0]!.quote).toContain('magma rises');
    await lib.close();
  });

  it('refuses what it cannot use with a reason, and keeps nothing', async () => {
    const lib = library();
    const before = fs.readdirSync(path.join(root, '111')).sort();
    const attempts: Array<[string, Uint8Array, string]> = [
      ['notes.exe', Buffer.from('MZ'), 'UNSUPPORTED'],
      ['big.txt', Buffer.alloc(100_001, 'a'), 'TOO_LARGE'],
      ['volcanoes.md', Buffer.from(volcanoes), 'DUPLICATE'],
      ['scan.pdf', makePdf([[]]), 'UNREADABLE'],
      ['headings.md', Buffer.from('# Only a heading\n'), 'UNREADABLE'],
    ];
    for (const [name, bytes, code] of attempts) {
      const error = await lib.add('111', { name, bytes }).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(LibraryError);
      expect((error as LibraryError).code, name).toBe(code);
    }
    expect(fs.readdirSync(path.join(root, '111')).sort()).toEqual(before);
    expect(lib.list('111').map((d) => d.id)).toEqual(['volcanoes.md']);
    await lib.close();
  });

  it('limits documents per group', async () => {
    const lib = library({ maxDocumentsPerGroup: 1 });
    await expect(lib.add('111', { name: 'rivers.md', bytes: Buffer.from(rivers) })).rejects.toThrow(/already has 1 documents, the most/);
    await lib.close();
  });

  it('keeps documents across a restart, loads them only when asked, and lets the least recently used go', async () => {
    const lib = library();
    await (await lib.add('222', { name: 'rivers.md', bytes: Buffer.from(rivers) })).indexed;
    await lib.close();

    const again = library({ maxLoaded: 1 });
    expect(again.loadedCount).toBe(0); // nothing loads until a group asks
    expect(again.list('111').map((d) => d.id)).toEqual(['volcanoes.md']);
    const [riverEngine] = await again.engines('222');
    expect(again.loadedCount).toBe(1);
    expect((await riverEngine!.ask('What do rivers build at their mouths?')).passages[0]!.documentId).toBe('rivers.md');
    await again.engines('111');
    expect(again.loadedCount).toBe(1); // group 222's engine was let go
    await again.close();
  });

  it('keeps groups apart, and a set of documents answers from the right one', async () => {
    const lib = library();
    await (await lib.add('111', { name: 'rivers.md', bytes: Buffer.from(rivers) })).indexed;
    const group111 = new DocumentSet(await lib.engines('111'));
    const group222 = new DocumentSet(await lib.engines('222'));
    expect(group111.documents().map((d) => d.id)).toEqual(['volcanoes.md', 'rivers.md']);
    expect(group222.documents().map((d) => d.id)).toEqual(['rivers.md']);
    expect((await group111.ask('Why does volcanic ash matter for aircraft?')).passages[0]!.documentId).toBe('volcanoes.md');
    expect((await group222.ask('Why does volcanic ash matter for aircraft?')).passages.every((p) => p.documentId === 'rivers.md')).toBe(true);
    expect(group111.sections().map((s) => `${s.documentId}§${s.number}`)).toEqual(['volcanoes.md§1', 'volcanoes.md§2', 'rivers.md§1']);
    expect(group111.sectionText('rivers.md', 1)[0]!.quote).toContain('sediment');
    const withShared = new DocumentSet([...(await lib.engines('111', ['rivers.md'])), shared]);
    expect(withShared.documents().map((d) => d.id)).toEqual(['rivers.md', 'seed.txt']);
    await lib.close();
  });

  it('removes a document, and a whole group', async () => {
    const lib = library();
    expect((await lib.remove('111', 'rivers.md')).id).toBe('rivers.md');
    expect(lib.list('111').map((d) => d.id)).toEqual(['volcanoes.md']);
    await expect(lib.remove('111', 'rivers.md')).rejects.toThrow(/no document “rivers.md”/);
    expect(await lib.removeGroup('111')).toBe(1);
    expect(fs.existsSync(path.join(root, '111'))).toBe(false);
    expect(lib.list('222').map((d) => d.id)).toEqual(['rivers.md']);
    await lib.close();
  });
});

describe('removing a document while it is indexed', () => {
  /**
   * The shared model, but indexing the volcanoes text stops at its embedding (`reached`
   * resolves then) until `release`, and then fails (when `fail`).
   */
  function gatedModel(fail: boolean) {
    let release!: () => void;
    let arrive!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (arrive = resolve));
    const embedder = {
      ...shared.embedder,
      embed: async (texts: string[], kind: 'query' | 'passage') => {
        if (kind === 'passage' && texts.some((t) => t.includes('magma'))) {
          arrive();
          await gate;
          if (fail) throw new Error('the model failed');
        }
        return shared.embedder.embed(texts, kind);
      },
    };
    return { embedder, reached, release };
  }

  it('keeps it removed when its indexing then succeeds, and leaves no files behind', async () => {
    const { embedder, reached, release } = gatedModel(false);
    const lib = library({ embedder });
    const { document, indexed } = await lib.add('333', { name: 'rivers.md', bytes: Buffer.from(volcanoes) });
    await reached;
    await lib.remove('333', 'rivers.md');
    release();
    const error = await indexed.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(LibraryError);
    expect((error as LibraryError).code).toBe('UNKNOWN_DOCUMENT');
    expect(lib.list('333')).toEqual([]);
    expect(fs.existsSync(path.join(root, '333', document.key))).toBe(false);
    expect(await lib.engines('333')).toEqual([]);
    await lib.close();
  });

  it('leaves a document added since under the same name alone when the removed one’s indexing fails', async () => {
    const { embedder, reached, release } = gatedModel(true);
    const lib = library({ embedder });
    const first = await lib.add('444', { name: 'rivers.md', bytes: Buffer.from(volcanoes) });
    await reached;
    await lib.remove('444', 'rivers.md');
    const second = await lib.add('444', { name: 'rivers.md', bytes: Buffer.from(rivers) });
    expect((await second.indexed).status).toBe('ready');
    release();
    await expect(first.indexed).rejects.toBeInstanceOf(LibraryError);
    expect(lib.list('444').map((d) => [d.key, d.status])).toEqual([[second.document.key, 'ready']]);
    expect(fs.readdirSync(path.join(root, '444')).sort()).toEqual([second.document.key, 'documents.json'].sort());
    const [engine] = await lib.engines('444');
    expect((await engine!.ask('What do rivers build at their mouths?')).passages[0]!.documentId).toBe('rivers.md');
    await lib.close();
  });
});

describe('error messages', () => {
  const logged = () => {
    const warnings: Array<{ obj: object; msg?: string }> = [];
    const logger = { debug: () => {}, info: () => {}, error: () => {}, warn: (obj: object, msg?: string) => void warnings.push({ obj, msg }) };
    return { logger, warnings };
  };

  const secret = '/srv/verbatim/documents/555/abcdef/files';

  it('says why a file was not kept without server paths, and logs the detail', async () => {
    const { logger, warnings } = logged();
    const lib = library({ logger });
    const write = vi.spyOn(fs, 'writeFileSync').mockImplementationOnce(() => {
      throw Object.assign(new Error(`EACCES: permission denied, open '${secret}/doc.txt'`), { code: 'EACCES' });
    });
    const error = await lib.add('555', { name: 'doc.txt', bytes: Buffer.from(rivers) }).catch((e: unknown) => e);
    write.mockRestore();
    expect(error).toBeInstanceOf(LibraryError);
    expect((error as LibraryError).message).toBe('I cannot use “doc.txt”: its text could not be read.');
    expect(JSON.stringify(warnings.map((w) => String((w.obj as { err?: Error }).err?.message)))).toContain(secret);
    await lib.close();
  });

  it('says indexing failed without server paths, and logs the detail', async () => {
    const failing = { ...shared.embedder, embed: async () => Promise.reject(new Error(`No readable document in ${secret}; skipped: doc.txt`)) };
    const { logger: indexLogger, warnings: indexWarnings } = logged();
    const indexing = library({ embedder: failing, logger: indexLogger });
    const { indexed } = await indexing.add('555', { name: 'doc.txt', bytes: Buffer.from(rivers) });
    const failed = await indexed.then(() => undefined, (e: unknown) => e);
    expect(failed).toBeInstanceOf(LibraryError);
    expect((failed as LibraryError).code).toBe('INDEXING_FAILED');
    expect((failed as LibraryError).message).toMatch(/^Indexing “doc\.txt” failed/);
    expect((failed as LibraryError).message).not.toContain('/srv/');
    expect(indexWarnings.some((w) => String((w.obj as { err?: Error }).err?.message).includes(secret))).toBe(true);
    expect(indexing.list('555')).toEqual([]);
    await indexing.close();
  });
});

describe('document names', () => {
  it('keeps a long name’s start, a hash of the whole and its extension within 100 characters and 200 bytes, cut between characters', () => {
    expect(safeFileName(`${'a'.repeat(150)}.md`)).toMatch(/^a{89} ~[0-9a-f]{6}\.md$/);
    // Names that differ only past the cut stay apart.
    const chapter = (n: string) => safeFileName(`${'Rivers and deltas of the world, '.repeat(5)}chapter-${n}.pdf`);
    expect(chapter('01')).not.toBe(chapter('02'));
    expect(chapter('01')).toMatch(/^Rivers and deltas .* ~[0-9a-f]{6}\.pdf$/);
    for (const name of [`${'😀'.repeat(100)}a.txt`, `${'日本'.repeat(80)}.pdf`, `notes.${'x'.repeat(200)}`, '\uD800half.txt']) {
      const id = safeFileName(name);
      expect(id.length, name).toBeLessThanOrEqual(MAX_NAME_CHARS);
      expect(Buffer.byteLength(id), name).toBeLessThanOrEqual(MAX_NAME_BYTES);
      expect(id, name).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/); // no half character
    }
    expect(safeFileName(`${'😀'.repeat(100)}a.txt`)).toMatch(/^(😀){44} ~[0-9a-f]{6}\.txt$/u);
    expect(safeFileName('x.txt')).toBe('x.txt');
  });

  it('finds a document with a long emoji name by the id it was given', async () => {
    const lib = library();
    const { document, indexed } = await lib.add('666', { name: `${'😀'.repeat(100)}ab.md`, bytes: Buffer.from(rivers) });
    await indexed;
    const [engine] = await lib.engines('666', [document.id]);
    expect(engine!.documents().map((d) => d.id)).toEqual([document.id]);
    expect((await engine!.summarise({ documentId: document.id })).passages[0]!.quote).toContain('sediment');
    expect(engine!.sectionText(document.id, 1)[0]!.quote).toContain('sediment');
    await lib.close();
  });
});

describe('memoizeQueries', () => {
  it('embeds a question once for every engine that asks, and passes passages through', async () => {
    const { memoizeQueries } = await import('../../src/core/embed/memoizeQueries.js');
    const calls: Array<[string[], string]> = [];
    let fingerprints = 0;
    const base = {
      ...shared.embedder,
      embed: async (texts: string[], kind: 'query' | 'passage') => (calls.push([texts, kind]), shared.embedder.embed(texts, kind)),
      encodeQuery: async (text: string) => (calls.push([[text], 'encodeQuery']), shared.embedder.encodeQuery(text)),
      fingerprint: () => (fingerprints++, shared.embedder.fingerprint()),
    };
    const memo = memoizeQueries(base);
    const [a] = await memo.embed(['Why does a volcano erupt?'], 'query');
    const [b] = await memo.embed(['Why does a volcano erupt?'], 'query');
    // The token states come from the same forward pass as the vector.
    const encoded = await memo.encodeQuery('Why does a volcano erupt?');
    await memo.embed(['a passage'], 'passage');
    await memo.embed(['a passage'], 'passage');
    expect(b).toBe(a);
    expect(encoded.vector).toBe(a);
    expect(encoded.tokens.tokens).toContain('volcano');
    expect(calls).toEqual([[['Why does a volcano erupt?'], 'encodeQuery'], [['a passage'], 'passage'], [['a passage'], 'passage']]);
    expect(memo.dimension).toBe(shared.embedder.dimension);
    expect(memo.fingerprint()).toEqual(shared.embedder.fingerprint());
    memo.fingerprint();
    expect(fingerprints).toBe(1); // the loaded model's files are read once
  });
});
