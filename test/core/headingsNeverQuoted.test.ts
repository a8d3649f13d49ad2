/**
 * A heading alone is never quoted as an answer: in hard-wrapped plain text, headings that
 * end like questions ("What is a lending library?" underlined) are sections, not paragraphs.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Verbatim } from '../../src/core/engine.js';

const ESSAY = `The Lending Library
===================

What is a lending library?
--------------------------

A lending library lets members borrow books for a few weeks at a
time.  Members pay a small yearly fee, and the fee buys new books.

Why do members return books late?
---------------------------------

Most late returns come from members who travel.  The library sends
a reminder after two weeks and charges nothing for the first week.

1. Opening hours

   The library opens at nine in the morning on weekdays and closes
   at six in the evening.
`;

describe('headings in hard-wrapped text', () => {
  it('are sections, and no answer quotes one', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-headings-'));
    fs.mkdirSync(path.join(root, 'corpus'));
    fs.writeFileSync(path.join(root, 'corpus', 'library.txt'), ESSAY);
    const engine = await Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index') });
    const titles = engine.sections().map((s) => s.title);
    expect(titles).toEqual(['The Lending Library', 'What is a lending library?', 'Why do members return books late?', '1. Opening hours']);
    for (const question of ['What is a lending library?', 'Why do members return books late?', 'When does the library open?']) {
      const answer = await engine.ask(question, { top: 5 });
      expect(answer.answered).toBe(true);
      for (const p of answer.passages) expect(titles).not.toContain(p.quote);
      expect(answer.passages[0]!.section.title).toBe(question.startsWith('When') ? '1. Opening hours' : question);
    }
    await engine.close();
  });
});
