/**
 * `npm run fit-refusal`: fits the refusal rule (retrieve/calibrate REFUSAL_RULES) on the
 * TUNING sets only, with the model the environment configures (EMBEDDING_MODEL).
 *
 * Each question that reaches the rule gives its signals (chunk and sentence z-scores,
 * coverage); answerable questions are positives, unanswerable ones (asked of every tuning
 * document) negatives. A logistic regression (L2, plain gradient descent: deterministic)
 * gives the weights' ratios; the bias is then set where the most tuning decisions come out
 * right. Prints the model's entry to paste into REFUSAL_RULES, and its accuracy on the tuning sets.
 * The held-out sets are never read here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Verbatim, type VerbatimOptions } from '../src/core/engine.js';
import { DOCUMENTS, EVAL_DIR, SETS, evalIndexDir } from './evalSets.js';
import { engineOptionsFrom, loadEngineConfig } from '../src/config.js';
import { parseScriptArgs } from '../src/cli/scriptArgs.js';
import type { RefusalSignals } from '../src/core/types.js';
import { modelName } from '../src/core/retrieve/calibrate.js';
import { BUNDLED_MODEL } from '../src/core/paths.js';

const TUNING_DOCUMENTS = Object.entries(DOCUMENTS).filter(([, d]) => !d.heldOut);
const SIGNALS = ['chunkZ', 'sentenceZ', 'coverage', 'nameGap', 'alignment'] as const;

const USAGE = `Usage: npm run fit-refusal -- [--without-alignment]

Fits the refusal rule on the tuning question sets with the configured model (EMBEDDING_MODEL)
and prints it with its accuracy on those sets.
  --without-alignment  fit the general rule, which does not weigh token alignment (for models
                       without a rule of their own, and answers without alignment)`;

interface Example {
  x: number[];
  y: 0 | 1;
}

async function main(): Promise<number> {
  const args = parseScriptArgs(process.argv.slice(2), USAGE, { 'without-alignment': { type: 'boolean', default: false } });
  if (typeof args === 'number') return args;
  const general = args.values['without-alignment'] === true;
  const FEATURES = SIGNALS.filter((f) => !(general && f === 'alignment'));
  // Every signal measured, even where the rule in force refuses without aligning (the
  // general rule does not weigh alignment: no forward passes for it).
  const base: VerbatimOptions = { ...engineOptionsFrom(loadEngineConfig()), measureAllSignals: !general };
  const engines = new Map<string, Verbatim>();
  for (const [id, { file }] of TUNING_DOCUMENTS) {
    engines.set(id, await Verbatim.open({ ...base, corpus: file, indexDir: evalIndexDir(file, base) }));
  }
  const examples: Example[] = [];
  let decidedElsewhere = { positives: 0, negatives: 0, positivesRefused: 0 };
  const add = (signals: RefusalSignals | undefined, y: 0 | 1, answered: boolean) => {
    if (signals) examples.push({ x: FEATURES.map((f) => signals[f]), y });
    else if (y === 1) {
      decidedElsewhere.positives++;
      if (!answered) decidedElsewhere.positivesRefused++;
    } else decidedElsewhere.negatives++;
  };
  for (const set of SETS.tuning) {
    const items = JSON.parse(readFileSync(path.join(EVAL_DIR, set), 'utf8')) as Array<{ question: string; document: string | null }>;
    for (const item of items) {
      const targets = item.document ? [item.document] : [...engines.keys()];
      for (const id of targets) {
        const answer = await engines.get(id)!.ask(item.question);
        add(answer.confidence, item.document ? 1 : 0, answer.answered);
      }
    }
  }

  // Logistic regression on standardised features.
  const n = examples.length;
  const mean = FEATURES.map((_, j) => examples.reduce((s, e) => s + e.x[j]!, 0) / n);
  const std = FEATURES.map((_, j) => Math.sqrt(examples.reduce((s, e) => s + (e.x[j]! - mean[j]!) ** 2, 0) / n) || 1);
  const z = examples.map((e) => e.x.map((v, j) => (v - mean[j]!) / std[j]!));
  const w = FEATURES.map(() => 0);
  let b = 0;
  const lambda = 0.01;
  for (let iter = 0; iter < 5000; iter++) {
    const gw = w.map(() => 0);
    let gb = 0;
    z.forEach((x, i) => {
      const p = 1 / (1 + Math.exp(-(b + x.reduce((s, v, j) => s + v * w[j]!, 0))));
      const err = p - examples[i]!.y;
      x.forEach((v, j) => (gw[j]! += (err * v) / n));
      gb += err / n;
    });
    w.forEach((_, j) => (w[j]! -= 0.5 * (gw[j]! + lambda * w[j]!)));
    b -= 0.5 * gb;
  }
  // Back to raw features; then the bias that gets the most decisions right.
  const raw = w.map((wj, j) => wj / std[j]!);
  const scores = examples.map((e) => e.x.reduce((s, v, j) => s + v * raw[j]!, 0));
  const candidates = [...new Set(scores)].sort((a, c) => a - c);
  let best = { bias: 0, right: -1 };
  for (let k = 0; k <= candidates.length; k++) {
    const cut = k === 0 ? candidates[0]! - 1 : k === candidates.length ? candidates[k - 1]! + 1 : (candidates[k - 1]! + candidates[k]!) / 2;
    const right = scores.reduce((r, s, i) => r + Number((s >= cut) === (examples[i]!.y === 1)), 0);
    if (right > best.right) best = { bias: -cut, right };
  }
  const rule = { bias: round(best.bias), ...Object.fromEntries(SIGNALS.map((f) => [f, FEATURES.includes(f) ? round(raw[FEATURES.indexOf(f)]!) : 0])) };
  console.log(`model ${base.embedder?.model}: ${n} decisions reach the rule (${examples.filter((e) => e.y === 1).length} answerable); ${decidedElsewhere.negatives} unanswerable and ${decidedElsewhere.positives} answerable were decided before it (${decidedElsewhere.positivesRefused} of those wrongly)`);
  const name = modelName(base.embedder?.model ?? BUNDLED_MODEL);
  const literal = JSON.stringify(rule).replace(/"(\w+)":/g, '$1: ').replace(/,/g, ', ');
  console.log(general ? `export const GENERAL_REFUSAL_RULE: RefusalRule = ${literal};` : `  '${name}': ${literal},`);
  console.log(`tuning decisions right at the rule: ${best.right}/${n} (${(best.right / n).toFixed(3)})`);
  for (const e of engines.values()) await e.close();
  return 0;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

process.exitCode = await main();
