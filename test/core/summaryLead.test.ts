/**
 * A whole-document summary states the document's main point first: its lead (the first
 * quotable sentence), then the most central sentences. Checked on a small news story whose
 * lead is not its most central sentence (the body repeats the repair details).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Verbatim } from '../../src/core/engine.js';

const LEAD = 'The city council voted on Monday to close the old harbour bridge for two years of repairs.';
const STORY = `# Harbour bridge to close

${LEAD} Ferries will replace it while the work goes on.

## The repairs

Engineers found corroded steel cables in the bridge during the spring inspection of the bridge.
The corroded cables of the bridge will be replaced one by one by the engineers.
Each steel cable of the bridge is inspected before the engineers replace the cable.
The engineers expect the cable repairs on the bridge to take most of the two years.

## The ferries

Two ferries will cross the harbour every twenty minutes from early morning until midnight.
Tickets for the ferries will cost the same as the bridge toll did before.
`;

let engine: Verbatim;
beforeAll(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-lead-'));
  fs.mkdirSync(path.join(root, 'corpus'));
  fs.writeFileSync(path.join(root, 'corpus', 'bridge.md'), STORY);
  engine = await Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index') });
});
afterAll(async () => {
  await engine?.close();
});

describe('summary lead', () => {
  it('one sentence is the lead, even though it is not the most central', async () => {
    expect((await engine.summarise({ sentences: 1 })).passages.map((p) => p.quote)).toEqual([LEAD]);
    // Without the lead rule a repair sentence would win: they are the most central.
    const central = [...(await engine.summarise({ sentences: 3 })).passages].sort((a, b) => b.score - a.score)[0]!;
    expect(central.quote).not.toBe(LEAD);
  });

  it('longer summaries start with the lead, then the central sentences', async () => {
    const { passages } = await engine.summarise({ sentences: 3 });
    expect(passages).toHaveLength(3);
    expect(passages[0]!.quote).toBe(LEAD);
    expect(passages.slice(1).every((p) => p.section.title !== 'Harbour bridge to close')).toBe(true);
  });
});
