/**
 * `npm run eval`: retrieval quality on the question sets in test/fixtures/eval/.
 *
 * Prints Hit@1, Hit@3 and MRR (a hit is a quote whose range overlaps an expected span of
 * the document) and refusal accuracy (answerable questions answered, unanswerable ones
 * refused, every unanswerable question asked of every document).
 *
 *   --holdout   also score the held-out set (kept out of tuning)
 *   --verbose   print every miss
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseScriptArgs } from '../src/cli/scriptArgs.js';
import { Verbatim } from '../src/core/engine.js';
import { DEFAULT_CORPUS_DIR, PROJECT_ROOT } from '../src/core/paths.js';
import { cachedIndexDir } from '../src/cli/openEngine.js';
import type { Answer } from '../src/core/types.js';

const USAGE = `Usage: npm run eval -- [--holdout] [--verbose]

Scores retrieval on the question sets in test/fixtures/eval/: Hit@1, Hit@3, MRR and
refusal accuracy.

  --holdout   also score the held-out set (kept out of tuning)
  --verbose   print every miss`;

const EVAL_DIR = path.join(PROJECT_ROOT, 'test', 'fixtures', 'eval');
/** Where each document of the question sets lives. */
const DOCUMENTS: Record<string, string> = {
  'russia-recognizes-taliban.txt': path.join(DEFAULT_CORPUS_DIR, 'russia-recognizes-taliban.txt'),
  'node-readline.md': path.join(EVAL_DIR, 'node-readline.md'),
};

interface Item {
  question: string;
  document: string | null;
  expect: string[];
  style: string;
}

interface Tally {
  n: number;
  hit1: number;
  hit3: number;
  rr: number;
  refusedWrongly: number;
  unanswerable: number;
  refusedRightly: number;
}

const empty = (): Tally => ({ n: 0, hit1: 0, hit3: 0, rr: 0, refusedWrongly: 0, unanswerable: 0, refusedRightly: 0 });

async function loadSet(name: string): Promise<Item[]> {
  return JSON.parse(await readFile(path.join(EVAL_DIR, name), 'utf8')) as Item[];
}

/** Rank (1-based) of the first passage overlapping an expected span, or 0. */
function firstHit(answer: Answer, text: string, expect: string[]): number {
  const spans = expect.flatMap((e) => {
    const out: Array<[number, number]> = [];
    for (let i = text.indexOf(e); i >= 0; i = text.indexOf(e, i + 1)) out.push([i, i + e.length]);
    if (out.length === 0) throw new Error(`expected text not in document: "${e}"`);
    return out;
  });
  const index = answer.passages.findIndex((p) => spans.some(([s, e]) => p.start < e && s < p.end));
  return index + 1;
}

function pct(x: number, n: number): string {
  return n === 0 ? '   -  ' : (x / n).toFixed(3).padStart(6);
}

async function main(): Promise<number> {
  const args = parseScriptArgs(process.argv.slice(2), USAGE, { holdout: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false } });
  if (typeof args === 'number') return args;
  const { values } = args;
  const sets = ['seed.questions.json', 'node-readline.questions.json', 'unanswerable.questions.json', ...(values.holdout ? ['holdout.questions.json'] : [])];
  const items = (await Promise.all(sets.map(async (s) => (await loadSet(s)).map((i) => ({ ...i, set: s }))))).flat();

  const engines = new Map<string, { engine: Verbatim; text: string }>();
  for (const [id, file] of Object.entries(DOCUMENTS)) {
    const engine = await Verbatim.open({ corpus: file, indexDir: file.startsWith(DEFAULT_CORPUS_DIR) ? undefined : cachedIndexDir(file) });
    engines.set(id, { engine, text: await readFile(file, 'utf8') });
  }

  const tallies = new Map<string, Tally>();
  const tally = (key: string) => tallies.get(key) ?? (tallies.set(key, empty()), tallies.get(key)!);
  for (const item of items) {
    const set = item.set === 'holdout.questions.json' ? 'holdout' : (item.document ?? `unanswerable (${item.style})`);
    if (item.document) {
      const { engine, text } = engines.get(item.document)!;
      const answer = await engine.ask(item.question, { top: 10 });
      const rank = answer.answered ? firstHit(answer, text, item.expect) : 0;
      for (const t of [tally(set), tally(`  ${item.style}`)]) {
        t.n++;
        if (!answer.answered) t.refusedWrongly++;
        if (rank === 1) t.hit1++;
        if (rank >= 1 && rank <= 3) t.hit3++;
        if (rank > 0) t.rr += 1 / rank;
      }
      if (values.verbose && rank !== 1) {
        console.log(`MISS (${answer.answered ? `rank ${rank || '>10'}` : 'refused'}) [${item.style}] ${item.question}\n   got: ${answer.passages[0]?.quote.slice(0, 140) ?? '-'}\n   want: ${item.expect[0]}`);
      }
    } else {
      for (const [id, { engine }] of engines) {
        const answer = await engine.ask(item.question);
        const t = tally(set);
        t.unanswerable++;
        if (!answer.answered) t.refusedRightly++;
        else if (values.verbose) console.log(`ANSWERED off-topic [${item.style}] (${id}) ${item.question}\n   got: ${answer.passages[0]?.quote.slice(0, 140)}`);
      }
    }
  }

  console.log('\nset                              n  Hit@1  Hit@3    MRR  refusals right');
  const total = empty();
  for (const [key, t] of [...tallies].sort(([a], [b]) => (a.startsWith(' ') === b.startsWith(' ') ? a.localeCompare(b) : a.startsWith(' ') ? 1 : -1))) {
    if (!key.startsWith(' ')) for (const k of Object.keys(total) as Array<keyof Tally>) total[k] += t[k];
    const decisions = t.n + t.unanswerable;
    console.log(`${key.padEnd(30)} ${String(t.n).padStart(3)} ${pct(t.hit1, t.n)} ${pct(t.hit3, t.n)} ${pct(t.rr, t.n)}  ${pct(t.n - t.refusedWrongly + t.refusedRightly, decisions)} (${t.refusedWrongly} answerable refused, ${t.unanswerable - t.refusedRightly}/${t.unanswerable} off-topic answered)`);
  }
  const decisions = total.n + total.unanswerable;
  console.log(`${'ALL'.padEnd(30)} ${String(total.n).padStart(3)} ${pct(total.hit1, total.n)} ${pct(total.hit3, total.n)} ${pct(total.rr, total.n)}  ${pct(total.n - total.refusedWrongly + total.refusedRightly, decisions)}`);
  for (const { engine } of engines.values()) await engine.close();
  return 0;
}

process.exitCode = await main();
