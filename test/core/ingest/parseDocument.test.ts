import { describe, expect, it } from 'vitest';
import { formatOf, parseDocument, titleFromFileName } from '../../../src/core/ingest/parseDocument.js';
import { offsetProblems } from './checkOffsets.js';

describe('parseDocument', () => {
  it('strips a UTF-8 BOM and keeps offsets into the text without it', () => {
    const doc = parseDocument('\uFEFF# Título\n\nCafé au lait. Ünïcode 😀 works.\n', {
      id: 'bom.md',
      path: '/c/bom.md',
      format: 'markdown',
    });
    expect(doc.text.startsWith('# Título')).toBe(true);
    expect(doc.title).toBe('Título');
    const block = doc.sections[0]!.blocks[0]!;
    expect(block.start).toBe(doc.text.indexOf('Café'));
    expect(block.sentences.map((s) => s.text)).toEqual(['Café au lait.', 'Ünïcode 😀 works.']);
    expect(offsetProblems(doc)).toEqual([]);
  });

  it('chooses the title: metadata, then front matter, then first # heading, then file name', () => {
    const md = '---\ntitle: From Front Matter\nsource: fm-source\n---\n\n# From Heading\n\nText.\n';
    const base = { id: 'dir/my_notes-file.md', path: '/c/dir/my_notes-file.md', format: 'markdown' as const };
    expect(parseDocument(md, { ...base, meta: { title: 'From Meta' } })).toMatchObject({ title: 'From Meta', source: 'fm-source' });
    expect(parseDocument(md, base)).toMatchObject({ title: 'From Front Matter', source: 'fm-source' });
    expect(parseDocument('## Level two\n\nText.\n# From Heading\n\nMore.', base).title).toBe('From Heading');
    expect(parseDocument('Just text.\n', base).title).toBe('My notes file');
    // Plain text never takes a heading for the document title.
    expect(parseDocument('A Heading\nBody text.\n', { ...base, format: 'text' }).title).toBe('My notes file');
  });

  it('leaves source unset when nothing gives one', () => {
    const doc = parseDocument('Text.\n', { id: 'a.txt', path: '/c/a.txt', format: 'text' });
    expect('source' in doc).toBe(false);
  });

  it('maps file names to formats', () => {
    expect(['a.txt', 'b.MD', 'c.markdown', 'd.json', 'e.md.bak'].map(formatOf)).toEqual([
      'text',
      'markdown',
      'markdown',
      undefined,
      undefined,
    ]);
    expect(titleFromFileName('reports/russia-recognizes-taliban.txt')).toBe('Russia recognizes taliban');
  });
});
