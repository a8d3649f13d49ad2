/**
 * `npm run eval`: retrieval quality on the question sets in test/fixtures/eval/, per document.
 *
 * A hit is a quote whose range overlaps an expected span of the document; Hit@1, Hit@3 and
 * MRR are over answerable questions. Refusal decisions count answerable questions answered
 * and unanswerable ones refused, every unanswerable question being asked of every document.
 *
 * The sets are split by what they are for, and the two are never mixed in one number:
 * - tuning: the sets the method's constants were chosen on;
 * - held-out: sets nobody tuned on (questions and off-topic probes written apart from the
 *   method, and documents of other genres whose questions were written after it was frozen).
 *
 * The engine is configured from the environment like every command (EMBEDDING_MODEL…), with
 * an index per model and document under .cache/eval-indexes/.
 */
import { readFile } from 'node:fs/promises';
import fs from 'node:fs';
import path from 'node:path';
import { parseScriptArgs } from '../src/cli/scriptArgs.js';
import { UsageError } from '../src/cli/io.js';
import { Verbatim, type VerbatimOptions } from '../src/core/engine.js';
import { DOCUMENTS, EVAL_DIR, SETS, evalIndexDir } from './evalSets.js';
import { engineOptionsFrom, loadEngineConfig } from '../src/config.js';
import type { Answer } from '../src/core/types.js';

const USAGE = `Usage: npm run eval -- [--sets tuning|heldout|all] [--verbose] [--no-words] [--json]

Scores the question sets in test/fixtures/eval/ per document and per question style.
  --sets      which sets to score (default: all; tuning and held-out are reported apart)
  --verbose   print every miss and every wrongly answered unanswerable question
  --no-words  switch off word-level meaning (the word-vector table), to measure what it adds
  --json      print the tallies as JSON
The engine reads EMBEDDING_MODEL and the other settings from the environment.`;

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
  answered: number;
  unanswerable: number;
  refused: number;
}

const empty = (): Tally => ({ n: 0, hit1: 0, hit3: 0, rr: 0, answered: 0, unanswerable: 0, refused: 0 });

/** Rank (1-based) of the first passage overlapping an expected span, or 0. */
function firstHit(answer: Answer, text: string, expect: string[]): number {
  const spans = expect.flatMap((e) => {
    const out: Array<[number, number]> = [];
    for (let i = text.indexOf(e); i >= 0; i = text.indexOf(e, i + 1)) out.push([i, i + e.length]);
    if (out.length === 0) throw new Error(`eval: expected text not in the document: "${e}"`);
    return out;
  });
  return answer.passages.findIndex((p) => spans.some(([s, e]) => p.start < e && s < p.end)) + 1;
}

const ratio = (x: number, n: number) => (n === 0 ? '    - ' : (x / n).toFixed(3).padStart(6));

function row(label: string, t: Tally): string {
  const decisions = t.n + t.unanswerable;
  const refusals = decisions === 0 ? '' : `${ratio(t.answered + t.refused, decisions)}  (${t.answered}/${t.n} answered, ${t.refused}/${t.unanswerable} refused)`;
  return `${label.padEnd(34)} ${String(t.n).padStart(4)} ${ratio(t.hit1, t.n)} ${ratio(t.hit3, t.n)} ${ratio(t.rr, t.n)}  ${refusals}`;
}


async function main(argv: string[]): Promise<number> {
  const args = parseScriptArgs(
    argv,
    USAGE,
    { sets: { type: 'string', default: 'all' }, verbose: { type: 'boolean', default: false }, 'no-words': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    {
      check: ({ values }) => {
        if (!['tuning', 'heldout', 'all'].includes(values.sets)) throw new UsageError('--sets must be tuning, heldout or all');
      },
    },
  );
  if (typeof args === 'number') return args;
  const { values } = args;
  const groups = (values.sets === 'all' ? ['tuning', 'heldout'] : [values.sets]) as Array<keyof typeof SETS>;

  const base: VerbatimOptions = { ...engineOptionsFrom(loadEngineConfig()), ...(values['no-words'] ? { wordVectors: false } : {}) };
  const engines = new Map<string, { engine: Verbatim; text: string }>();
  const started = performance.now();
  for (const [id, { file }] of Object.entries(DOCUMENTS)) {
    const engine = await Verbatim.open({ ...base, corpus: file, indexDir: evalIndexDir(file, base) });
    engines.set(id, { engine, text: await readFile(file, 'utf8') });
  }
  console.log(`model ${base.embedder?.model}${values['no-words'] ? ', no word vectors' : ''}; engines ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const report: Record<string, Record<string, Tally>> = {};
  for (const group of groups) {
    const tallies = new Map<string, Tally>();
    const tally = (key: string) => tallies.get(key) ?? (tallies.set(key, empty()), tallies.get(key)!);
    for (const set of SETS[group]) {
      const file = fs.existsSync(path.join(EVAL_DIR, set)) ? path.join(EVAL_DIR, set) : undefined;
      if (!file) {
        console.log(`(${set}: not present, skipped)`);
        continue;
      }
      const items = JSON.parse(await readFile(file, 'utf8')) as Item[];
      for (const item of items) {
        if (item.document) {
          const { engine, text } = engines.get(item.document) ?? fail(`eval: ${set} names an unknown document ${item.document}`);
          const answer = await engine.ask(item.question, { top: 10 });
          const rank = answer.answered ? firstHit(answer, text, item.expect) : 0;
          for (const t of [tally(item.document), tally(`  ${item.style}`), tally('ALL')]) {
            t.n++;
            if (answer.answered) t.answered++;
            if (rank === 1) t.hit1++;
            if (rank >= 1 && rank <= 3) t.hit3++;
            if (rank > 0) t.rr += 1 / rank;
          }
          if (values.verbose && rank !== 1) {
            console.log(`MISS ${group} (${answer.answered ? `rank ${rank || '>10'}` : 'refused'}) [${item.style}] ${item.question}\n   got: ${answer.passages[0]?.quote.slice(0, 140) ?? answer.reason}\n   want: ${item.expect[0]}`);
          }
        } else {
          for (const [id, { engine }] of engines) {
            if (group === 'tuning' && DOCUMENTS[id]!.heldOut) continue;
            const answer = await engine.ask(item.question);
            for (const t of [tally(id), tally(`  ${item.style}`), tally('ALL')]) {
              t.unanswerable++;
              if (!answer.answered) t.refused++;
            }
            if (values.verbose && answer.answered) console.log(`ANSWERED ${group} [${item.style}] (${id}) ${item.question}\n   got: ${answer.passages[0]?.quote.slice(0, 140)}`);
          }
        }
      }
    }
    report[group] = Object.fromEntries(tallies);
    if (!values.json) {
      console.log(`\n${group === 'tuning' ? 'TUNING sets (the method was fitted on these)' : 'HELD-OUT sets (never tuned on)'}`);
      console.log(`${'document / style'.padEnd(34)} ${'n'.padStart(4)}  Hit@1  Hit@3    MRR  refusal decisions right`);
      const keys = [...tallies.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
      for (const key of keys) console.log(row(key, tallies.get(key)!));
    }
  }
  if (values.json) console.log(JSON.stringify(report, null, 2));
  for (const { engine } of engines.values()) await engine.close();
  return 0;
}

/** Documents first, then styles, then the total. */
function rank(key: string): number {
  return key === 'ALL' ? 2 : key.startsWith(' ') ? 1 : 0;
}

function fail(message: string): never {
  throw new Error(message);
}

process.exitCode = await main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  return 1;
});
