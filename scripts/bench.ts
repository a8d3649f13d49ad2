/**
 * `npm run bench`: speed of the engine, on the seed document and on a large corpus (the
 * Node.js API docs that Debian's nodejs package installs, when present).
 *
 * Each measurement runs in a fresh child process so build memory, cold start and warm
 * latency do not contaminate each other. Prints a table; `--json` prints the raw numbers.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseScriptArgs } from '../src/cli/scriptArgs.js';
import { buildProblem } from './buildStamp.mjs';
import { Verbatim } from '../src/core/engine.js';
import { DEFAULT_CORPUS_DIR, PROJECT_ROOT } from '../src/core/paths.js';
import { engineOptionsFrom, loadEngineConfig } from '../src/config.js';

const USAGE = `Usage: npm run bench -- [--json]

Measures index build time and memory, cold start to the first answer, and the latency of
new and of repeated questions, on the bundled document and on the Node.js API docs when
Debian installed them. Each phase runs in a fresh process.

  --json   print the raw numbers as JSON`;

const NODE_DOCS = '/usr/share/doc/nodejs/api';
const SEED_QUESTIONS = path.join(PROJECT_ROOT, 'test', 'fixtures', 'eval', 'seed.questions.json');
/** Questions a Node.js developer might ask of the API docs. */
const NODE_QUESTIONS = [
  'How do I read a file line by line?',
  'What does Buffer.from do?',
  'How can I spawn a child process and read its output?',
  'How do I create an HTTP server?',
  'What is the difference between setImmediate and process.nextTick?',
  'How do I hash a password with scrypt?',
  'How can I watch a directory for changes?',
  'What happens when a promise rejection is unhandled?',
  'How do worker threads share memory?',
  'How do I parse command line arguments?',
  'What is an AbortSignal used for?',
  'How do I compress data with gzip?',
  'How does the module resolution algorithm find packages?',
  'How can I measure the time a function takes?',
  'What does the highWaterMark option of a stream control?',
  'How do I make a DNS lookup?',
  'How can I run code in a sandboxed context?',
  'What events does a net.Socket emit?',
  'How do I get the number of CPUs?',
  'How can I encode a URL query string?',
];

interface PhaseResult {
  [key: string]: number | string;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function questionsOf(corpus: string): string[] {
  return corpus === NODE_DOCS ? NODE_QUESTIONS : (JSON.parse(fs.readFileSync(SEED_QUESTIONS, 'utf8')) as Array<{ question: string }>).map((q) => q.question);
}

/** Runs inside a child: build, or open a prebuilt index and answer. Prints one JSON line. */
async function phase(name: string, corpus: string, indexDir: string): Promise<PhaseResult> {
  if (name === 'build') {
    // The index folder is new and empty (see main), so this is a full build.
    const loadStart = performance.now();
    const { loadEmbedder } = await import('../src/core/embed/loadEmbedder.js');
    const embedder = await loadEmbedder(configured().embedder);
    const modelLoadMs = performance.now() - loadStart;
    await embedder.dispose();
    const buildStart = performance.now();
    // Large corpora are parsed in a child process, which reports its own peak memory here.
    let parserPeakRssMB = 0;
    const capture = (fields: object, msg?: string) => {
      if (msg === 'parsed the corpus in a child process') parserPeakRssMB = (fields as { peakRssMB: number }).peakRssMB;
    };
    const built = await Verbatim.open({ ...configured(), corpus, indexDir, rebuild: 'always', logger: { debug() {}, info: capture, warn() {}, error() {} } });
    const buildMs = performance.now() - buildStart;
    const m = built.manifest;
    await built.close();
    return { modelLoadMs, buildMs, chunks: m.counts.chunks, sentences: m.counts.sentences, documents: m.counts.documents, chunksPerSecond: m.counts.chunks / ((buildMs - modelLoadMs) / 1000), peakRssMB: process.resourceUsage().maxRSS / 1024, parserPeakRssMB };
  }
  // 'query': cold start to the first answer, then warm latency.
  const questions = questionsOf(corpus);
  const engine = await Verbatim.open({ ...configured(), corpus, indexDir, rebuild: 'never' });
  await engine.ask(questions[0]!);
  const coldStartMs = process.uptime() * 1000;
  // The first question again: the JIT warms up on it, and the first askings below measure
  // what is new to the engine, not to V8.
  for (let i = 0; i < 3; i++) await engine.ask(questions[0]!);
  // Each other question's first asking: what a new question costs, including the token
  // states of candidate sentences no earlier question aligned (answer/alignTokens).
  const firstTimes: number[] = [];
  for (const q of questions.slice(1)) {
    const t = performance.now();
    await engine.ask(q);
    firstTimes.push(performance.now() - t);
  }
  firstTimes.sort((a, b) => a - b);
  // Then the same questions again: warm (JIT, caches).
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of questions) {
      const t = performance.now();
      await engine.ask(q);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  await engine.close();
  return { coldStartMs, queries: times.length, firstP50Ms: quantile(firstTimes, 0.5), firstMaxMs: firstTimes.at(-1)!, p50Ms: quantile(times, 0.5), p95Ms: quantile(times, 0.95), peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

/** The engine as the environment configures it (EMBEDDING_MODEL…), like every command. */
function configured() {
  return engineOptionsFrom(loadEngineConfig());
}

function runChild(name: string, corpus: string, indexDir: string): PhaseResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'bench.ts'), '--phase', name, '--corpus', corpus, '--index', indexDir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as PhaseResult;
}

const STARTUP_RUNS = 5;

/** The median of STARTUP_RUNS measurements, each of a fresh process. */
function medianOfRuns(run: () => number): number {
  const times = Array.from({ length: STARTUP_RUNS }, run);
  return quantile(times.sort((a, b) => a - b), 0.5);
}

/** The compiled JavaScript of `npm run build`, built first when dist/ is missing or stale. */
function ensureCompiled(): void {
  if (buildProblem()) execFileSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'build.mjs')], { stdio: 'ignore' });
}

/**
 * Cold start to the first answer as the bot pays it: `npm start` runs the compiled
 * JavaScript, without tsx compiling the sources at start. Median of STARTUP_RUNS processes.
 */
function compiledColdStartMs(corpus: string, indexDir: string, question: string): number {
  ensureCompiled();
  const dist = (file: string) => JSON.stringify(pathToFileURL(path.join(PROJECT_ROOT, 'dist', file)).href);
  const child = `
    const { Verbatim } = await import(${dist('core/engine.js')});
    const { engineOptionsFrom, loadEngineConfig } = await import(${dist('config.js')});
    const [corpus, indexDir, question] = process.argv.slice(1);
    const engine = await Verbatim.open({ ...engineOptionsFrom(loadEngineConfig()), corpus, indexDir, rebuild: 'never' });
    await engine.ask(question);
    console.log(process.uptime() * 1000);
    await engine.close();`;
  return medianOfRuns(() => Number(execFileSync(process.execPath, ['--input-type=module', '-e', child, corpus, indexDir, question], { encoding: 'utf8' }).trim().split('\n').pop()));
}

/** What `tsx` costs each command: the same answer run as TypeScript through tsx and as compiled JavaScript. */
function compiledVersusTsx(): { tsxMs: number; compiledMs: number } {
  ensureCompiled();
  const median = (args: string[]) =>
    medianOfRuns(() => {
      const t = performance.now();
      spawnSync(process.execPath, [...args, 'Why did Russia recognize the Taliban?'], { cwd: PROJECT_ROOT });
      return performance.now() - t;
    });
  return { tsxMs: median(['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'cli', 'ask.ts')]), compiledMs: median([path.join(PROJECT_ROOT, 'dist', 'cli', 'ask.js')]) };
}

function fmt(n: number | string | undefined, digits = 1): string {
  return typeof n === 'number' ? n.toFixed(digits) : String(n ?? '-');
}

async function main(): Promise<number> {
  // --phase, --corpus and --index are how the benchmark starts its own children.
  const args = parseScriptArgs(process.argv.slice(2), USAGE, { phase: { type: 'string' }, corpus: { type: 'string' }, index: { type: 'string' }, json: { type: 'boolean', default: false } });
  if (typeof args === 'number') return args;
  const { values } = args;
  if (values.phase) {
    console.log(JSON.stringify(await phase(values.phase, values.corpus!, values.index!)));
    return 0;
  }
  const corpora: Array<[string, string]> = [['seed', DEFAULT_CORPUS_DIR]];
  if (fs.existsSync(NODE_DOCS)) corpora.push(['node-api-docs', NODE_DOCS]);
  else console.log(`note: ${NODE_DOCS} is absent (Debian's nodejs package installs it); the large-corpus run is skipped.`);

  const results: Record<string, { build: PhaseResult; query: PhaseResult; askCommandMs?: number }> = {};
  for (const [name, corpus] of corpora) {
    const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), `verbatim-bench-${name}-`));
    const build = runChild('build', corpus, indexDir);
    const query = runChild('query', corpus, indexDir);
    query.compiledColdStartMs = compiledColdStartMs(corpus, indexDir, questionsOf(corpus)[0]!);
    results[name] = { build, query };
    fs.rmSync(indexDir, { recursive: true, force: true });
  }
  // What a person feels: `npm run ask` with the committed-or-built index, process start to exit.
  spawnSync('npm', ['run', '--silent', 'ask', '--', 'warm the index'], { cwd: PROJECT_ROOT });
  const t = performance.now();
  spawnSync('npm', ['run', '--silent', 'ask', '--', 'Why did Russia recognize the Taliban?'], { cwd: PROJECT_ROOT });
  results.seed!.askCommandMs = performance.now() - t;
  const startup = compiledVersusTsx();

  if (values.json) {
    console.log(JSON.stringify({ ...results, startup }, null, 2));
    return 0;
  }
  console.log(`Verbatim benchmark — ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, model ${configured().embedder.model}\n`);
  console.log('corpus          docs  chunks  model load  build (s)  chunks/s  build RSS  parser RSS  cold start  (compiled)  new q p50  new q max  warm p50  warm p95  query RSS');
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name.padEnd(15)} ${fmt(r.build.documents, 0).padStart(4)} ${fmt(r.build.chunks, 0).padStart(7)} ${fmt(r.build.modelLoadMs, 0).padStart(8)} ms ${fmt(Number(r.build.buildMs) / 1000, 2).padStart(9)} ${fmt(r.build.chunksPerSecond, 0).padStart(9)} ${fmt(r.build.peakRssMB, 0).padStart(7)} MB ${(r.build.parserPeakRssMB ? `${fmt(r.build.parserPeakRssMB, 0)} MB` : 'in-process').padStart(10)} ${fmt(r.query.coldStartMs, 0).padStart(8)} ms ${fmt(r.query.compiledColdStartMs, 0).padStart(8)} ms ${fmt(r.query.firstP50Ms, 1).padStart(7)} ms ${fmt(r.query.firstMaxMs, 1).padStart(7)} ms ${fmt(r.query.p50Ms, 2).padStart(6)} ms ${fmt(r.query.p95Ms, 2).padStart(6)} ms ${fmt(r.query.peakRssMB, 0).padStart(6)} MB`,
    );
  }
  console.log(`\n\`npm run ask\` end to end (npm + tsx + model + answer): ${fmt(results.seed!.askCommandMs, 0)} ms`);
  console.log(`The same answer, process start to exit (median of ${STARTUP_RUNS}): through tsx ${fmt(startup.tsxMs, 0)} ms, compiled (dist/) ${fmt(startup.compiledMs, 0)} ms.`);
  console.log('Goals: warm p50 <= 15 ms on the seed including the query embedding; cold start to the first answer <= 2 s.');
  console.log(`"cold start": process start to the first answer through tsx, as \`npm run ask\` runs; "(compiled)": the same from dist/, as \`npm start\` runs the bot (median of ${STARTUP_RUNS}).`);
  console.log('"new q": each question asked for the first time (after the cold one; max: the slowest of them); "warm": the same questions asked again, when the token states of their candidate sentences are cached.');
  console.log('The parser process runs while the building process has the model loaded: together they briefly hold about the sum of the two.');
  return 0;
}

process.exitCode = await main();
