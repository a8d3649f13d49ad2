/** A PDF answered end to end: quotes are exact slices of the extracted text and cite their page. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Verbatim } from '../../src/core/engine.js';
import { foldWhitespace } from '../../src/core/answer/makePassage.js';
import { readCorpus } from '../../src/core/ingest/readCorpus.js';
import { makePdf } from './ingest/makeFiles.js';

let engine: Verbatim;
let root: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-pdf-engine-'));
  fs.mkdirSync(path.join(root, 'corpus'));
  fs.writeFileSync(
    path.join(root, 'corpus', 'reading.pdf'),
    makePdf([
      [
        { text: 'The Water Cycle', size: 18 },
        { text: 'Water evaporates from oceans and lakes when the sun heats them.', gapBefore: 8 },
        { text: 'The vapour rises, cools and condenses into clouds.' },
      ],
      [
        { text: 'Volcanoes', size: 18 },
        { text: 'A volcano erupts when magma rises through cracks in the crust.', gapBefore: 8 },
        { text: 'Lava flows can destroy villages near the mountain.', gapBefore: 10 },
      ],
    ]),
  );
  fs.writeFileSync(path.join(root, 'corpus', 'reading.meta.json'), JSON.stringify({ source: 'https://example.org/reading.pdf' }));
  engine = await Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index') });
});
afterAll(async () => {
  await engine?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

it('cites the page of a quote from a PDF, and the quote is an exact slice of the extracted text', async () => {
  const answer = await engine.ask('Why does a volcano erupt?');
  expect(answer.answered).toBe(true);
  const best = answer.passages[0]!;
  expect(best.quote).toContain('magma rises through cracks');
  expect(best.page).toBe(2);
  expect(best.section.title).toBe('Volcanoes');
  expect(best.source).toBe('https://example.org/reading.pdf');
  const text = (await readCorpus(path.join(root, 'corpus'))).files[0]!.text;
  for (const p of answer.passages) expect(p.quote).toBe(foldWhitespace(text.slice(p.start, p.end)));
});

it('keeps pages in section text after a restart from the stored index', async () => {
  const reopened = await Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index'), rebuild: 'never' });
  try {
    expect(reopened.sectionText('reading.pdf', 1).map((p) => p.page)).toEqual([1]);
    expect(reopened.sectionText('reading.pdf', 2).map((p) => [p.paragraph, p.page])).toEqual([[1, 2], [2, 2]]);
  } finally {
    await reopened.close();
  }
});
