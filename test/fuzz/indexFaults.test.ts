/**
 * Byte flips in every file of an index (issue 11): opening it either refuses with one line
 * naming the damage (rebuilding off) or, where the change is harmless (white space in the
 * manifest), answers exactly as before; with rebuilding on, it rebuilds and quotes exactly.
 * Never a crash, never a wrong quote.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Verbatim } from '../../src/core/engine.js';
import { foldWhitespace } from '../../src/core/answer/makePassage.js';
import { MANIFEST_FILE } from '../../src/core/index/indexStore.js';
import { seedText, tempCorpus } from '../core/helpers.js';
import { seeded } from './random.js';
import { EMBEDDING_CACHE_FILE } from '../../src/core/embed/embeddingCache.js';

const QUESTIONS = ['Why did Russia recognize the Taliban?', 'What happens to journalists?', 'Which groups are vulnerable to persecution?'];
const TRIALS_PER_FILE = 3;

let built: { corpus: string; indexDir: string };
let baseline: string;
let files: string[];

async function answers(engine: Verbatim): Promise<string> {
  const all = [];
  for (const q of QUESTIONS) all.push(await engine.ask(q));
  for (const a of all) for (const p of a.passages) expect(p.quote).toBe(foldWhitespace(seedText.slice(p.start, p.end)));
  return JSON.stringify(all);
}

beforeAll(async () => {
  built = tempCorpus('fuzz-faults');
  const engine = await Verbatim.open(built);
  baseline = await answers(engine);
  await engine.close();
  // The embedding cache is not read to answer, only to build (a damaged one is ignored:
  // test/core/embeddingCache.test.ts); everything else is the index.
  files = fs.readdirSync(built.indexDir).filter((f) => f !== EMBEDDING_CACHE_FILE).sort();
});

describe('byte flips in every index file', () => {
  it('rebuild-or-clear-error, for each file', async () => {
    expect(files).toContain(MANIFEST_FILE);
    expect(files.length).toBe(9);
    const random = seeded(2026);
    const outcomes: Record<string, string[]> = {};
    for (const name of files) {
      for (let trial = 0; trial < TRIALS_PER_FILE; trial++) {
        const own = tempCorpus('fuzz-faults-copy');
        fs.cpSync(built.indexDir, own.indexDir, { recursive: true });
        const file = path.join(own.indexDir, name);
        const bytes = fs.readFileSync(file);
        // 1 to 64 bytes, flipped or set to 0xff, somewhere in the file.
        const count = 1 + random.int(64);
        const at = random.int(bytes.length);
        for (let i = at; i < Math.min(bytes.length, at + count); i++) bytes[i] = random.next() < 0.5 ? bytes[i]! ^ (1 << random.int(8)) : 0xff;
        fs.writeFileSync(file, bytes);

        const opened = await Verbatim.open({ ...own, rebuild: 'never' }).then(
          (engine) => ({ engine }),
          (error: Error & { code?: string }) => ({ error }),
        );
        if ('error' in opened) {
          expect(opened.error.code, `${name}: ${opened.error.message}`).toBe('INDEX_CORRUPT');
          expect(opened.error.message).not.toContain('\n');
          (outcomes[name] ??= []).push('refused');
        } else {
          // Accepted: only if what was flipped changed nothing that is read (white space of the manifest).
          expect(name).toBe(MANIFEST_FILE);
          expect(await answers(opened.engine)).toBe(baseline);
          await opened.engine.close();
          (outcomes[name] ??= []).push('same answers');
        }
        if (trial === 0) {
          const rebuilt = await Verbatim.open(own);
          await answers(rebuilt);
          await rebuilt.close();
        }
      }
    }
    // Every data file's damage was caught.
    for (const name of files.filter((f) => f !== MANIFEST_FILE)) expect(outcomes[name]).toEqual(Array(TRIALS_PER_FILE).fill('refused'));
  }, 300_000);
});
