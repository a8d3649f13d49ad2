import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../../src/core/ingest/parseDocument.js';
import { parseMarkdown, pieceStarts } from '../../../src/core/ingest/parseMarkdown.js';
import { offsetProblems } from './checkOffsets.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');
const guideText = fixture('ingest/guide.md');
const crlfText = fixture('ingest/crlf.md');
const asDocument = (text: string, id: string) => parseDocument(text, { id, path: `/x/${id}`, format: 'markdown' });

describe('parseMarkdown on the guide fixture', () => {
  const doc = asDocument(guideText, 'guide.md');
  const section = (n: number) => doc.sections.find((s) => s.number === n)!;

  it('reads title and source from the front matter and skips it as content', () => {
    expect(doc.title).toBe('Field Guide: Ingest');
    expect(doc.source).toBe('https://example.org/field-guide');
    const all = doc.sections.flatMap((s) => s.blocks.map((b) => b.text)).join('\n');
    expect(all).not.toMatch(/title:|tags:|example\.org/);
    expect(doc.sections[0]!.blocks[0]!.start).toBe(guideText.indexOf('This lead paragraph'));
    expect(all).not.toMatch(/comment/); // the HTML comment is skipped too
  });

  it('nests sections by heading level, setext headings included', () => {
    expect(doc.sections.map((s) => [s.number, s.level, s.title, s.parents, s.blocks.length])).toEqual([
      [0, 0, 'Introduction', [], 1],
      [1, 1, 'Field Guide', [], 1],
      [2, 2, 'Setup', ['Field Guide'], 6],
      [3, 3, 'Install', ['Field Guide', 'Setup'], 3],
      [4, 2, 'Usage', ['Field Guide'], 2],
      [5, 2, 'Empty', ['Field Guide'], 0],
      [6, 3, 'Nested under Empty', ['Field Guide', 'Empty'], 1],
    ]);
  });

  it('keeps a hard-wrapped paragraph as one block with the original line breaks', () => {
    expect(section(0).blocks[0]!.text).toBe('This lead paragraph comes before any heading.\nIt is hard-wrapped over two lines.');
    expect(section(1).blocks[0]!.sentences.map((s) => s.text)).toEqual([
      'Dr. Smith wrote this guide in 2023.',
      'It covers the U.S. office,\ne.g. the one in Boston, and costs 3.5 dollars.',
    ]);
  });

  it('makes each list item a block, nested ones too, with lead-ins', () => {
    expect(section(2).blocks.map((b) => [b.paragraph, b.kind, b.text, b.leadIn])).toEqual([
      [1, 'paragraph', 'You need:', undefined],
      [2, 'list-item', 'a laptop with Node.js', 1],
      [3, 'list-item', 'a terminal:', 1],
      [4, 'list-item', 'bash on Linux', 3],
      [5, 'list-item', 'zsh on macOS', 3],
      [6, 'list-item', 'patience', 1],
    ]);
  });

  it('keeps a fenced code block as one block and one sentence, and never takes "# …" in it for a heading', () => {
    const [intro, code, after] = section(3).blocks;
    expect(intro!.text).toBe('Run the installer:');
    expect(code).toMatchObject({ kind: 'code', paragraph: 2, text: '# not a heading\nnpm install verbatim' });
    expect(code!.sentences).toEqual([{ text: code!.text, start: code!.start, end: code!.end }]);
    expect(after!.text).toBe('Then check the version.');
    expect(doc.sections.some((s) => s.title === 'not a heading')).toBe(false);
  });

  it('reads block quotes as paragraphs and a table as one block of rows', () => {
    const [quote, table] = section(4).blocks;
    expect(quote!.sentences.map((s) => s.text)).toEqual(['Quoted advice stays a paragraph.', 'It spans two lines.']);
    expect(table!.kind).toBe('paragraph');
    expect(table!.sentences.map((s) => s.text)).toEqual([
      '| Command | Effect |',
      '| `ask`   | Answers a question |',
      '| `quiz`  | Asks you one |',
    ]);
  });

  it('has exact offsets everywhere', () => {
    expect(offsetProblems(doc)).toEqual([]);
  });
});

describe('parseMarkdown details', () => {
  it('handles CRLF line endings with offsets into the original text', () => {
    expect(crlfText).toContain('\r\n'); // the fixture must keep its CRLFs (see .gitattributes)
    const doc = asDocument(crlfText, 'crlf.md');
    expect(doc.title).toBe('Line Endings');
    expect(doc.sections.map((s) => [s.title, s.parents])).toEqual([
      ['Line Endings', []],
      ['Second', ['Line Endings']],
    ]);
    const paragraph = doc.sections[0]!.blocks[0]!;
    expect(paragraph.text).toBe('This file uses CRLF line endings.\r\nIts paragraph is wrapped. Offsets count every \\r.');
    expect(paragraph.sentences.map((s) => s.text)).toEqual([
      'This file uses CRLF line endings.',
      'Its paragraph is wrapped.',
      'Offsets count every \\r.',
    ]);
    expect(doc.sections[1]!.blocks.map((b) => [b.text, b.leadIn])).toEqual([
      ['Items follow:', undefined],
      ['one', 1],
      ['two', 1],
    ]);
    expect(offsetProblems(doc)).toEqual([]);
  });

  it('gives lead-ins only from text ending with a colon', () => {
    const { sections } = parseMarkdown('We tried things.\n\n- one\n  - one.a\n- **Two:**\n  - two.a\n\nThen:\n\n1. three\n');
    expect(sections[0]!.blocks.map((b) => [b.paragraph, b.text, b.leadIn])).toEqual([
      [1, 'We tried things.', undefined],
      [2, 'one', undefined],
      [3, 'one.a', undefined],
      [4, '**Two:**', undefined],
      [5, 'two.a', 4],
      [6, 'Then:', undefined],
      [7, 'three', 6],
    ]);
  });

  it('has no section 0 when nothing precedes the first heading, and numbers headings in order', () => {
    const { sections } = parseMarkdown('<!-- only a comment -->\n\n## B\n\ntext\n\n# A\n\nmore\n');
    expect(sections.map((s) => [s.number, s.title, s.level, s.parents])).toEqual([
      [1, 'B', 2, []],
      [2, 'A', 1, []],
    ]);
  });

  it('takes plain heading text as the title and skips paragraphs of bare HTML', () => {
    const { sections, firstTitle } = parseMarkdown('# Class: `EventEmitter` *new*\n\n<a id="x"></a>\n\nBody.\n');
    expect(firstTitle).toBe('Class: EventEmitter new');
    expect(sections[0]!.blocks.map((b) => b.text)).toEqual(['Body.']);
  });

  it('ignores malformed front matter without losing the document', () => {
    const result = parseMarkdown('---\ntitle: [unclosed\n---\n\n# Real Title\n\nText.\n');
    expect(result.frontMatter).toEqual({});
    expect(result.firstTitle).toBe('Real Title');
    expect(result.sections[0]!.blocks[0]!.text).toBe('Text.');
  });

  it('makes an unclosed code fence one code block up to the end', () => {
    const { sections } = parseMarkdown('Intro.\n\n```\nline 1\n\nline 2\n');
    expect(sections[0]!.blocks.map((b) => [b.kind, b.text])).toEqual([
      ['paragraph', 'Intro.'],
      ['code', 'line 1\n\nline 2'],
    ]);
  });
});

describe('parseMarkdown in pieces (long documents)', () => {
  it('cuts only at a top-level heading after a blank line, never inside code, comments or front matter', () => {
    const text = [
      '---', 'title: T', '', '# yaml comment', '---', '', '# A', '', 'text', '', '[r]: https://example.org', '',
      '```', '', '# in fence', '```', '', '<!--', '', '# in comment', '-->', '', '- item', '# after item', '',
      '# B [see][r]', '', 'Text.', '',
    ].join('\n');
    const cuts = pieceStarts(text, 1).map((at) => text.slice(at, text.indexOf('\n', at)));
    expect(cuts).toEqual(['---', '# A', '# B [see][r]']);
    const inPieces = parseMarkdown(text, { pieceChars: 1 });
    expect(inPieces).toEqual(parseMarkdown(text));
    // The reference defined in the first piece still resolves in the last one.
    expect(inPieces.sections.map((s) => s.title)).toEqual(['A', 'after item', 'B see']);
  });

  it('gives the same result as one whole parse', () => {
    const text = fixture('eval/node-readline.md');
    expect(pieceStarts(text, 1000).length).toBeGreaterThan(20);
    expect(parseMarkdown(text, { pieceChars: 1000 })).toEqual(parseMarkdown(text, { pieceChars: Infinity }));
  });
});

describe('parseMarkdown on the evaluation document (Node.js readline docs)', () => {
  const doc = asDocument(fixture('eval/node-readline.md'), 'node-readline.md');

  it('finds its section tree', () => {
    expect(doc.sections).toHaveLength(47);
    expect(doc.sections.filter((s) => s.level === 2).map((s) => s.title)).toEqual([
      'Class: InterfaceConstructor',
      'Promises API',
      'Callback API',
      'readline.emitKeypressEvents(stream[, interface])',
      'Example: Tiny CLI',
      'Example: Read file stream line-by-Line',
      'TTY keybindings',
    ]);
    const completer = doc.sections.find((s) => s.title === 'Use of the completer function')!;
    expect(completer.parents).toEqual(['Readline', 'Promises API', 'readlinePromises.createInterface(options)']);
    expect(doc.title).toBe('Readline');
  });

  it('keeps every paragraph, list item and code block of the source', () => {
    expect(offsetProblems(doc)).toEqual([]);
    const kinds = doc.sections.flatMap((s) => s.blocks.map((b) => b.kind));
    expect(kinds.filter((k) => k === 'code')).toHaveLength((doc.text.match(/^ *```[a-z]+$/gm) ?? []).length);
    // The keybindings table is HTML: one block, one sentence per row.
    const keys = doc.sections.find((s) => s.title === 'TTY keybindings')!;
    expect(keys.blocks).toHaveLength(1);
    expect(keys.blocks[0]!.sentences.find((s) => s.text.includes('Delete from the current position to the line start'))?.text).toMatch(/^<td><kbd>Ctrl<\/kbd>\+<kbd>U<\/kbd><\/td>/);
  });
});
