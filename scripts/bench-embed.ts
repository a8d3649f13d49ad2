/**
 * Speed of an embedding model through Verbatim's loader (transformers.js), to size batches
 * and compare models:
 *
 *   npx tsx scripts/bench-embed.ts [model ...] [--passages 128] [--json]   (default: every model in models/)
 *
 * Per model, in a fresh child process (so memory does not carry over): load time, ms per short
 * question embedded alone (p50/p95), passages per second for ~100-word chunks of the seed
 * document at batch sizes 1/8/16/32/64 (at least two full batches, at least --passages texts), and resident memory after loading and at the end.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BUNDLED_MODELS_DIR, DEFAULT_CORPUS_DIR } from '../src/core/paths.js';

const QUESTIONS = [
  'Why did Russia recognize the Taliban?',
  'When did the embassy reopen?',
  'Who signed the agreement?',
  'What did the United Nations say about it?',
  'How many countries recognize the government?',
  'what changed in 2021',
  'Which ministers attended the ceremony?',
  'Is the ban on women working still in force?',
];
const BATCHES = [1, 8, 16, 32, 64];
const WORDS_PER_CHUNK = 100;

interface Result {
  model: string;
  loadMs: number;
  queryP50Ms: number;
  queryP95Ms: number;
  passagesPerSecond: Record<number, number>;
  rssAfterLoadMB: number;
  rssPeakMB: number;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const rssMB = () => Math.round(process.memoryUsage().rss / 1e6);

/** ~100-word windows of the seed document (repeated to have enough), as an index embeds chunks. */
function chunks(count: number): string[] {
  const words = fs.readFileSync(path.join(DEFAULT_CORPUS_DIR, 'russia-recognizes-taliban.txt'), 'utf8').split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; out.length < count; i += WORDS_PER_CHUNK / 2) {
    const start = i % Math.max(1, words.length - WORDS_PER_CHUNK);
    out.push(words.slice(start, start + WORDS_PER_CHUNK).join(' '));
  }
  return out;
}

async function measure(model: string, passages: number): Promise<Result> {
  const { loadEmbedder } = await import('../src/core/embed/loadEmbedder.js');
  let peak = rssMB();
  const started = performance.now();
  const embedder = await loadEmbedder({ model });
  const loadMs = performance.now() - started;
  const rssAfterLoadMB = rssMB();
  // Warm up, then time each question alone, as the engine embeds a question.
  await embedder.embed(QUESTIONS.slice(0, 2), 'query');
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of QUESTIONS) {
      const t = performance.now();
      await embedder.embed([q], 'query');
      times.push(performance.now() - t);
    }
  }
  const passagesPerSecond: Record<number, number> = {};
  for (const batch of BATCHES) {
    // The loader's own batching, at this size; every batch is full.
    const sized = await loadEmbedder({ model, batchSize: batch });
    const texts = chunks(batch * Math.max(2, Math.ceil(passages / batch)));
    await sized.embed(texts.slice(0, batch), 'passage');
    const t = performance.now();
    await sized.embed(texts, 'passage');
    passagesPerSecond[batch] = Math.round((texts.length / (performance.now() - t)) * 1000 * 10) / 10;
    peak = Math.max(peak, rssMB());
    await sized.dispose();
  }
  await embedder.dispose();
  return { model, loadMs: Math.round(loadMs), queryP50Ms: Math.round(quantile(times, 0.5) * 10) / 10, queryP95Ms: Math.round(quantile(times, 0.95) * 10) / 10, passagesPerSecond, rssAfterLoadMB, rssPeakMB: Math.max(peak, rssMB()) };
}

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean' }, child: { type: 'boolean' }, passages: { type: 'string', default: '128' } } });
  if (values.child) {
    process.stdout.write(JSON.stringify(await measure(positionals[0]!, Number(values.passages))) + '\n');
    return;
  }
  const models = positionals.length > 0 ? positionals : fs.readdirSync(BUNDLED_MODELS_DIR).filter((m) => fs.existsSync(path.join(BUNDLED_MODELS_DIR, m, 'onnx')));
  const results: Result[] = [];
  for (const model of models) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', '--passages', values.passages!, model], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`bench-embed: ${model} failed: ${child.stderr}`);
    results.push(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Result);
  }
  if (values.json) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  console.log(`| model | load ms | query p50 / p95 ms | ${BATCHES.map((b) => `passages/s @${b}`).join(' | ')} | RSS after load / peak MB |`);
  console.log(`| --- | --- | --- | ${BATCHES.map(() => '---').join(' | ')} | --- |`);
  for (const r of results) {
    console.log(`| ${r.model} | ${r.loadMs} | ${r.queryP50Ms} / ${r.queryP95Ms} | ${BATCHES.map((b) => r.passagesPerSecond[b]).join(' | ')} | ${r.rssAfterLoadMB} / ${r.rssPeakMB} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
