import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCorpus } from '../../../src/core/ingest/loadCorpus.js';
import { corpusHash, readCorpus } from '../../../src/core/ingest/readCorpus.js';
import { extractPdf } from '../../../src/core/ingest/extractPdf.js';
import { extractHtml } from '../../../src/core/ingest/extractHtml.js';
import type { ParsedDocument } from '../../../src/core/types.js';
import { offsetProblems } from './checkOffsets.js';
import { makeDocx, makePdf } from './makeFiles.js';

const lecture = () =>
  makePdf(
    [
      [
        { text: 'Cell Biology', size: 20 },
        { text: 'Cells are the basic unit of life.', gapBefore: 8 },
        { text: 'They divide by mitosis, which this' },
        { text: 'chapter explains in detail.' },
        { text: 'A second paragraph starts after a gap.', gapBefore: 10 },
      ],
      [
        { text: 'Membranes', size: 16 },
        { text: 'The membrane controls what enters the cell.', gapBefore: 8 },
      ],
    ],
    { title: 'Lecture 3' },
  );

function blocksOf(doc: ParsedDocument) {
  return doc.sections.map((s) => ({ title: s.title, level: s.level, blocks: s.blocks.map((b) => [b.text, b.page]) }));
}

describe('PDF', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'verbatim-pdf-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('makes headings from font sizes, paragraphs from gaps, and keeps the page of every block', async () => {
    await writeFile(path.join(dir, 'lecture.pdf'), lecture());
    const { documents, skipped } = await loadCorpus(path.join(dir, 'lecture.pdf'));
    expect(skipped).toEqual([]);
    const doc = documents[0]!;
    expect(doc.title).toBe('Lecture 3'); // from the PDF's metadata
    expect(blocksOf(doc)).toEqual([
      { title: 'Cell Biology', level: 1, blocks: [['Cells are the basic unit of life.\nThey divide by mitosis, which this\nchapter explains in detail.', 1], ['A second paragraph starts after a gap.', 1]] },
      { title: 'Membranes', level: 2, blocks: [['The membrane controls what enters the cell.', 2]] },
    ]);
    expect(offsetProblems(doc)).toEqual([]);
  });

  it('takes headings from the outline when it names lines of the text', async () => {
    const bytes = makePdf(
      [
        [{ text: 'Overview', size: 11 }, { text: 'The course covers three topics.', gapBefore: 12 }],
        [{ text: 'Grading', size: 11 }, { text: 'The exam counts for half the grade.', gapBefore: 12 }],
      ],
      { outline: [{ title: 'Overview', page: 1 }, { title: 'Grading', page: 2 }] },
    );
    const extracted = await extractPdf(bytes);
    const headings = extracted.layout.filter((b) => b.kind === 'heading').map((b) => [extracted.text.slice(b.start, b.end), b.level, b.page]);
    // Same size as the body: only the outline can tell these are headings.
    expect(headings).toEqual([['Overview', 1, 1], ['Grading', 1, 2]]);
  });

  it('rejects a PDF without a text layer with a reason, instead of indexing nothing', async () => {
    await writeFile(path.join(dir, 'scan.pdf'), makePdf([[], []]));
    await expect(loadCorpus(path.join(dir, 'scan.pdf'))).rejects.toThrow(/no text layer.*OCR/);
    const read = await readCorpus(dir);
    expect(read.skipped).toEqual([{ path: 'scan.pdf', reason: expect.stringMatching(/^the PDF has no text layer \(its 2 pages are images/) }]);
  });

  it('rejects a broken PDF with a reason', async () => {
    await writeFile(path.join(dir, 'broken.pdf'), Buffer.from('%PDF-1.4\nthis is not really a pdf'));
    await expect(loadCorpus(path.join(dir, 'broken.pdf'))).rejects.toThrow(/Cannot load .*broken\.pdf.*(not a readable PDF|no text layer)/);
  });

  it('hashes the extracted text and layout: the same file gives the same hash', async () => {
    const a = await readCorpus(path.join(dir, 'lecture.pdf'));
    const b = await readCorpus(path.join(dir, 'lecture.pdf'));
    expect(corpusHash(a.files)).toBe(corpusHash(b.files));
    expect(a.files[0]!.extracted?.layout.length).toBe(5);
  });
});

describe('HTML', () => {
  const page = `<!doctype html><html><head><title>Photosynthesis – Biology Wiki</title></head><body>
    <nav><a href="/">Home</a> <a href="/about">About us and our many sponsors</a></nav>
    <article>
      <h1>Photosynthesis</h1>
      <p>Photosynthesis turns light into chemical energy. It happens in the <em>chloroplasts</em> of plant cells,
      which contain chlorophyll. ${'Plants capture sunlight and store it as sugar. '.repeat(6)}</p>
      <h2>Light reactions</h2>
      <p>The light reactions split water and release oxygen. ${'They take place in the thylakoid membranes. '.repeat(5)}</p>
      <ul><li>Water is split.</li><li>ATP is made.</li></ul>
      <script>var tracking = "not content";</script>
    </article>
    <footer>Copyright 2024 Biology Wiki. All rights reserved.</footer>
  </body></html>`;

  it('keeps the main content, with headings as sections, and drops navigation, scripts and footer', () => {
    const extracted = extractHtml(page);
    expect(extracted.text).toContain('Photosynthesis turns light into chemical energy. It happens in the chloroplasts of plant cells, which contain chlorophyll.');
    expect(extracted.text).not.toMatch(/About us|tracking|Copyright/);
    expect(extracted.layout.filter((b) => b.kind === 'list-item').map((b) => extracted.text.slice(b.start, b.end))).toEqual(['Water is split.', 'ATP is made.']);
  });

  it('parses into sections whose blocks are exact slices', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'verbatim-html-'));
    try {
      await writeFile(path.join(dir, 'photosynthesis.html'), page);
      const { documents } = await loadCorpus(dir);
      const doc = documents[0]!;
      expect(doc.sections.map((s) => s.title)).toContain('Light reactions');
      expect(doc.title).toMatch(/Photosynthesis/);
      expect(offsetProblems(doc)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DOCX', () => {
  it('turns Word heading styles into sections', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'verbatim-docx-'));
    try {
      const bytes = await makeDocx([
        { text: 'Syllabus', style: 'Heading1' },
        { text: 'The course meets on Tuesdays.' },
        { text: 'Assessment', style: 'Heading2' },
        { text: 'Two essays and one exam.' },
      ]);
      await writeFile(path.join(dir, 'syllabus.docx'), bytes);
      const { documents } = await loadCorpus(path.join(dir, 'syllabus.docx'));
      const doc = documents[0]!;
      expect(blocksOf(doc)).toEqual([
        { title: 'Syllabus', level: 1, blocks: [['The course meets on Tuesdays.', undefined]] },
        { title: 'Assessment', level: 2, blocks: [['Two essays and one exam.', undefined]] },
      ]);
      expect(doc.title).toBe('Syllabus');
      await writeFile(path.join(dir, 'bad.docx'), 'not a zip');
      await expect(loadCorpus(path.join(dir, 'bad.docx'))).rejects.toThrow(/not a readable Word document/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('extraction cache', () => {
  it('keeps extracted text by the file’s hash, and extracts again when the file changes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'verbatim-extract-cache-'));
    try {
      const corpus = path.join(dir, 'corpus');
      const cache = path.join(dir, 'cache');
      await import('node:fs/promises').then((fs) => fs.mkdir(corpus));
      await writeFile(path.join(corpus, 'lecture.pdf'), lecture());
      const first = await readCorpus(corpus, { extractionCache: cache });
      const [entry] = await import('node:fs/promises').then((fs) => fs.readdir(cache));
      expect(entry).toMatch(/^[0-9a-f]{64}\.json$/);
      // Doctor the cached text: the next read must come from the cache, not from pdf.js.
      const file = path.join(cache, entry!);
      const cached = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8')));
      cached.extracted.text = cached.extracted.text.replace('Cells', 'CELLS');
      await writeFile(file, JSON.stringify(cached));
      expect((await readCorpus(corpus, { extractionCache: cache })).files[0]!.text).toContain('CELLS are the basic unit');
      // A changed file has another hash: extracted afresh.
      await writeFile(path.join(corpus, 'lecture.pdf'), makePdf([[{ text: 'Cells divide by mitosis.' }]]));
      const changed = await readCorpus(corpus, { extractionCache: cache });
      expect(changed.files[0]!.text).toBe('Cells divide by mitosis.');
      expect(first.files[0]!.text).toContain('Cells are the basic unit');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads many files at once, in id order; extracts one file at a time, and copies of one file once', async () => {
    // The real extractor, made slow enough that overlapping extractions would show.
    let running = 0;
    let most = 0;
    let calls = 0;
    vi.doMock('../../../src/core/ingest/extractHtml.js', async () => {
      const real = await vi.importActual<typeof import('../../../src/core/ingest/extractHtml.js')>('../../../src/core/ingest/extractHtml.js');
      return {
        ...real,
        extractHtml: async (html: string) => {
          calls++;
          most = Math.max(most, ++running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
          return real.extractHtml(html);
        },
      };
    });
    vi.resetModules();
    const { readCorpus: read } = await import('../../../src/core/ingest/readCorpus.js');
    const dir = await mkdtemp(path.join(tmpdir(), 'verbatim-extract-many-'));
    try {
      const corpus = path.join(dir, 'corpus');
      const cache = path.join(dir, 'cache');
      await import('node:fs/promises').then((fs) => fs.mkdir(corpus));
      const page = (n: number) => `<html><head><title>Tides ${n}</title></head><body><h1>Tides ${n}</h1><p>The moon raises the tides twice a day.</p></body></html>`;
      // Twelve copies of one page, three other pages, and text files of other sizes, which finish in another order than they start.
      const names: string[] = [];
      for (let i = 0; i < 12; i++) {
        const id = String(i).padStart(2, '0');
        await writeFile(path.join(corpus, `copy-${id}.html`), page(0));
        await writeFile(path.join(corpus, `note-${id}.txt`), `Note ${i}. `.repeat(1 + ((i * 7919) % 13) * 2000));
        names.push(`copy-${id}.html`, `note-${id}.txt`);
      }
      for (let n = 1; n <= 3; n++) {
        await writeFile(path.join(corpus, `other-${n}.html`), page(n));
        names.push(`other-${n}.html`);
      }
      const warnings: string[] = [];
      const logger = { debug() {}, info() {}, error() {}, warn: (_: object, msg?: string) => void warnings.push(msg ?? '') };
      const result = await read(corpus, { extractionCache: cache, logger });
      expect(result.files.map((f) => f.id)).toEqual(names.sort());
      const copies = result.files.filter((f) => f.id.startsWith('copy-'));
      expect(new Set(copies.map((f) => f.text)).size).toBe(1);
      expect(copies[0]!.text).toContain('The moon raises the tides');
      result.files.filter((f) => f.id.startsWith('note-')).forEach((f, i) => expect(f.text.startsWith(`Note ${i}. `)).toBe(true));
      expect(warnings).toEqual([]);
      expect(most).toBe(1);
      expect(calls).toBe(4);
      expect(await import('node:fs/promises').then((fs) => fs.readdir(cache))).toHaveLength(4);
    } finally {
      vi.doUnmock('../../../src/core/ingest/extractHtml.js');
      vi.resetModules();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
