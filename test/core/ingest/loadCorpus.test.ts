import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../../src/core/ingest/loadCorpus.js';
import { corpusHash, MAX_FILE_BYTES, readCorpus } from '../../../src/core/ingest/readCorpus.js';
import type { Logger } from '../../../src/core/types.js';
import { offsetProblems } from './checkOffsets.js';

const fixtures = fileURLToPath(new URL('../../fixtures/ingest', import.meta.url));
const seed = fileURLToPath(new URL('../../../corpus/russia-recognizes-taliban.txt', import.meta.url));

function recordingLogger(): Logger & { warnings: Array<{ obj: object; msg?: string }> } {
  const warnings: Array<{ obj: object; msg?: string }> = [];
  return { warnings, debug() {}, info() {}, error() {}, warn: (obj, msg) => void warnings.push({ obj, msg }) };
}

describe('loadCorpus on a folder', () => {
  it('loads every .txt/.md below it, sorted by relative path, hidden files excluded', async () => {
    const { documents, skipped } = await loadCorpus(fixtures);
    expect(documents.map((d) => [d.id, d.title])).toEqual([
      ['crlf.md', 'Line Endings'],
      ['guide.md', 'Field Guide: Ingest'],
      ['notes/deep.txt', 'Deep'],
      ['wrapped.txt', 'Wrapped Notes'],
    ]);
    expect(skipped).toEqual([]);
    expect(documents[3]!.source).toBe('hand-written fixture'); // from wrapped.meta.json
    expect(documents[2]!.path).toBe(path.join(fixtures, 'notes', 'deep.txt'));
    for (const doc of documents) expect(offsetProblems(doc)).toEqual([]);
  });

  describe('with bad files', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'verbatim-ingest-'));
      await writeFile(path.join(dir, 'good.md'), '# Good\n\nFine text.\n');
      await writeFile(path.join(dir, 'empty.txt'), '');
      await writeFile(path.join(dir, 'blank.md'), ' \n\t\n');
      await writeFile(path.join(dir, 'binary.txt'), Buffer.from([0x48, 0x69, 0x00, 0x01, 0x02]));
      await writeFile(path.join(dir, 'latin1.txt'), Buffer.from('Caf\xe9 cr\xe8me.\n', 'latin1'));
      await writeFile(path.join(dir, 'only-front-matter.md'), '---\ntitle: Nothing\n---\n<!-- nothing -->\n');
      await writeFile(path.join(dir, 'big.txt'), 'x'.repeat(2048));
      await writeFile(path.join(dir, 'image.png'), Buffer.from([0x89, 0x50]));
      await writeFile(path.join(dir, 'good.meta.json'), '{ not json');
      await symlink(path.join(dir, 'does-not-exist.txt'), path.join(dir, 'dangling.md'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('skips each with a reason and a warning, and loads the rest', async () => {
      const logger = recordingLogger();
      const { documents, skipped } = await loadCorpus(dir, { logger, maxFileBytes: 1024 });
      expect(documents.map((d) => d.id)).toEqual(['good.md']);
      expect(documents[0]!.title).toBe('Good'); // the broken sidecar is ignored
      expect(skipped).toEqual([
        { path: 'big.txt', reason: 'too large (2048 bytes; the limit is 1024 bytes)' },
        { path: 'binary.txt', reason: 'binary file (contains NUL bytes)' },
        { path: 'blank.md', reason: 'empty file (only whitespace)' },
        { path: 'dangling.md', reason: 'unreadable (no such file or directory)' },
        { path: 'empty.txt', reason: 'empty file' },
        { path: 'latin1.txt', reason: 'not valid UTF-8 text' },
        { path: 'only-front-matter.md', reason: 'no text to quote (only headings, front matter or comments)' },
      ]);
      const skipWarnings = logger.warnings.filter((w) => w.msg?.startsWith('skipped a corpus file'));
      expect(skipWarnings.map((w) => (w.obj as { path: string }).path).sort()).toEqual(skipped.map((s) => s.path));
      expect(logger.warnings.some((w) => /metadata file: not valid JSON/.test(w.msg ?? ''))).toBe(true);
    });

    // Root reads any file whatever its mode, so this can only be checked as another user.
    it.skipIf(process.getuid?.() === 0)('skips an unreadable file', async () => {
      const locked = path.join(dir, 'locked.txt');
      await writeFile(locked, 'Secret.\n');
      await chmod(locked, 0o000);
      const { skipped } = await loadCorpus(dir);
      expect(skipped).toContainEqual({ path: 'locked.txt', reason: 'unreadable (permission denied)' });
      await rm(locked, { force: true });
    });

    it('throws a clear error for a bad file named explicitly', async () => {
      await expect(loadCorpus(path.join(dir, 'binary.txt'))).rejects.toThrow(/^Cannot load ".*binary\.txt": binary file \(contains NUL bytes\)$/);
      await expect(loadCorpus(path.join(dir, 'latin1.txt'))).rejects.toThrow(/latin1\.txt": not valid UTF-8 text/);
      await expect(loadCorpus(path.join(dir, 'empty.txt'))).rejects.toThrow(/empty\.txt": empty file/);
      await expect(loadCorpus(path.join(dir, 'image.png'))).rejects.toThrow(/image\.png": unsupported file type/);
    });
  });

  describe('files without an extension', () => {
    it('reads README or LICENSE named explicitly as plain text', async () => {
      const root = await mkdtemp(path.join(tmpdir(), "verbatim-noext-"));
      await writeFile(path.join(root, 'LICENSE'), 'MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy.\n');
      const { documents } = await loadCorpus(path.join(root, 'LICENSE'));
      expect(documents.map((d) => [d.id, d.title, d.sections[0]!.blocks[0]!.text])).toEqual([['LICENSE', 'LICENSE', 'Permission is hereby granted, free of charge, to any person obtaining a copy.']]);
    });

    it('indexes text ones in a folder and passes over binary ones without a warning', async () => {
      const root = await mkdtemp(path.join(tmpdir(), "verbatim-noext-"));
      await writeFile(path.join(root, 'NOTES'), 'The meeting moved to Thursday.\n');
      await writeFile(path.join(root, 'run'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
      const logger = recordingLogger();
      const { documents, skipped } = await loadCorpus(root, { logger });
      expect(documents.map((d) => d.id)).toEqual(['NOTES']);
      expect(skipped).toEqual([]);
      expect(logger.warnings).toEqual([]);
    });
  });

  it('limits files to 20 MB by default', () => {
    expect(MAX_FILE_BYTES).toBe(20 * 1024 * 1024);
  });
});

describe('loadCorpus on a single file', () => {
  it('loads the seed with its sidecar title and id relative to its folder', async () => {
    const { documents, skipped } = await loadCorpus(seed);
    expect(skipped).toEqual([]);
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({
      id: 'russia-recognizes-taliban.txt',
      path: seed,
      title: 'Russia Becomes the First Country to Recognize the Taliban Government',
    });
    expect(documents[0]!.sections).toHaveLength(5);
  });

  it('throws a clear error naming a missing file', async () => {
    await expect(loadCorpus('no/such/file.md')).rejects.toThrow('Cannot load "no/such/file.md": no such file or directory');
  });
});

describe('corpusHash', () => {
  it('is stable, order-independent, and changes with text, format or metadata', async () => {
    const { files } = await readCorpus(fixtures);
    const hash = corpusHash(files);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(corpusHash([...files].reverse())).toBe(hash);
    expect(corpusHash((await readCorpus(fixtures)).files)).toBe(hash);
    const [first, ...rest] = files;
    expect(corpusHash([{ ...first!, text: first!.text + ' ' }, ...rest])).not.toBe(hash);
    expect(corpusHash([{ ...first!, format: first!.format === 'text' ? 'markdown' : 'text' }, ...rest])).not.toBe(hash);
    expect(corpusHash([{ ...first!, meta: { title: 'Other' } }, ...rest])).not.toBe(hash);
    expect(corpusHash([{ ...first!, meta: { source: 'somewhere' } }, ...rest])).not.toBe(hash);
    expect(corpusHash(rest)).not.toBe(hash);
  });
});
