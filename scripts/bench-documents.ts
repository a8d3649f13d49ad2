/**
 * `npm run bench:documents`: servers' own documents at scale. 20 servers × 5 documents (the
 * Node.js API docs Debian installs, cycled; else pieces of the readline fixture), each
 * document with its own index, one shared model. Measures: indexing, that a library nobody
 * asks loads nothing, the first answer of a cold server, memory per loaded document index,
 * warm answer latency over a server's 5 documents plus the shared corpus (as the bot asks),
 * and latency when the LRU keeps only some indexes loaded.
 *
 * Run with `--expose-gc` (the npm script does) so memory is measured after collection.
 * Options: --servers N (20), --documents N (5 per server), --json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseScriptArgs } from '../src/cli/scriptArgs.js';
import { UsageError } from '../src/cli/io.js';
import { Verbatim } from '../src/core/engine.js';
import { DocumentSet } from '../src/core/documentSet.js';
import { DocumentLibrary } from '../src/core/library/documentLibrary.js';
import { PROJECT_ROOT } from '../src/core/paths.js';

const NODE_DOCS = '/usr/share/doc/nodejs/api';
const QUESTIONS = [
  'How do I read a file line by line?',
  'What does Buffer.from do?',
  'How can I spawn a child process and read its output?',
  'How do I create an HTTP server?',
  'What happens when a promise rejection is unhandled?',
  'How do worker threads share memory?',
  'How do I compress data with gzip?',
  'How can I measure the time a function takes?',
  'What does the highWaterMark option of a stream control?',
  'How can I encode a URL query string?',
];

const USAGE = `Usage: npm run bench:documents -- [--servers N] [--documents N] [--json]

Servers' own documents at scale: N servers with N documents each (default 20 × 5), one
index per document and one shared model. Prints indexing time, memory per loaded index,
cold and warm answer latency, and latency when only some indexes stay loaded.`;

const args = parseScriptArgs(
  process.argv.slice(2),
  USAGE,
  { servers: { type: 'string', default: '20' }, documents: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } },
  {
    check: ({ values: v }) => {
      for (const key of ['servers', 'documents'] as const) {
        if (!(Number.isInteger(Number(v[key])) && Number(v[key]) > 0)) throw new UsageError(`--${key} takes a whole number above 0`);
      }
    },
  },
);
if (typeof args === 'number') process.exit(args);
const { values } = args;
const SERVERS = Number(values.servers);
const PER_SERVER = Number(values.documents);

const gc = (globalThis as { gc?: () => void }).gc;
function memory(): { heapMB: number; externalMB: number; rssMB: number } {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heapMB: m.heapUsed / 2 ** 20, externalMB: (m.external + m.arrayBuffers) / 2 ** 20, rssMB: m.rss / 2 ** 20 };
}
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The documents to upload: Node's API docs when installed, else slices of the readline fixture. */
function sourceDocuments(count: number): Array<{ name: string; text: string }> {
  let pool: Array<{ name: string; text: string }>;
  if (fs.existsSync(NODE_DOCS)) {
    pool = fs.readdirSync(NODE_DOCS).filter((f) => f.endsWith('.md') && f !== 'all.md').sort().map((f) => ({ name: f, text: fs.readFileSync(path.join(NODE_DOCS, f), 'utf8') }));
  } else {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'eval', 'node-readline.md'), 'utf8');
    pool = text.split(/\n(?=## )/).map((part, i) => ({ name: `readline-${i}.md`, text: part }));
  }
  return Array.from({ length: count }, (_, i) => pool[i % pool.length]!);
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-bench-documents-'));
  const results: Record<string, number | string> = { servers: SERVERS, documentsPerServer: PER_SERVER, gcExposed: gc ? 'yes' : 'no' };
  try {
    const shared = await Verbatim.open({ indexDir: path.join(root, 'shared-index') });
    const options = { root: path.join(root, 'documents'), embedder: shared.embedder, maxFileBytes: 20 * 2 ** 20, maxDocumentsPerGroup: PER_SERVER };
    const servers = Array.from({ length: SERVERS }, (_, i) => String(100_000 + i));
    const documents = sourceDocuments(SERVERS * PER_SERVER);
    results.source = fs.existsSync(NODE_DOCS) ? 'Node.js API docs' : 'readline fixture';
    results.totalMB = round(documents.reduce((n, d) => n + d.text.length, 0) / 2 ** 20, 2);

    // Indexing, one document after another as uploads would come.
    const building = new DocumentLibrary({ ...options, maxLoaded: 1 });
    let started = performance.now();
    for (const [i, server] of servers.entries()) {
      for (let j = 0; j < PER_SERVER; j++) {
        const doc = documents[i * PER_SERVER + j]!;
        await (await building.add(server, { name: `${j}-${doc.name}`, bytes: Buffer.from(doc.text) })).indexed;
      }
    }
    results.indexAllS = round((performance.now() - started) / 1000, 1);
    await building.close();

    // A fresh start: nothing loads until a server asks.
    const before = memory();
    const library = new DocumentLibrary({ ...options, maxLoaded: 10_000 });
    for (const server of servers) library.list(server);
    const idle = memory();
    results.loadedAfterStart = library.loadedCount;
    results.idleHeapDeltaMB = round(idle.heapMB - before.heapMB, 2);

    const scope = async (server: string) => new DocumentSet([...(await library.engines(server)), shared]);
    started = performance.now();
    await (await scope(servers[0]!)).ask(QUESTIONS[0]!);
    results.coldServerFirstAnswerMs = round(performance.now() - started);

    // Every server loaded: memory per document index.
    const cold: number[] = [];
    for (const server of servers.slice(1)) {
      const t = performance.now();
      await (await scope(server)).ask(QUESTIONS[1]!);
      cold.push(performance.now() - t);
    }
    results.coldServerP50Ms = round(quantile(cold, 0.5));
    const loaded = memory();
    const count = library.loadedCount;
    results.loadedIndexes = count;
    results.heapPerIndexMB = round((loaded.heapMB - idle.heapMB) / count, 2);
    results.externalPerIndexMB = round((loaded.externalMB - idle.externalMB) / count, 2);
    results.rssPerIndexMB = round((loaded.rssMB - idle.rssMB) / count, 2);
    results.rssAllLoadedMB = round(loaded.rssMB);

    // Warm: questions to random servers, each over its documents and the shared corpus.
    const warm: number[] = [];
    const sets = await Promise.all(servers.map(scope));
    for (let i = 0; i < 300; i++) {
      const set = sets[(i * 7) % sets.length]!;
      const t = performance.now();
      await set.ask(QUESTIONS[i % QUESTIONS.length]!);
      warm.push(performance.now() - t);
    }
    results.warmP50Ms = round(quantile(warm, 0.5), 2);
    results.warmP95Ms = round(quantile(warm, 0.95), 2);
    // Including the scoping the bot does per question (manifest read, engine lookup).
    const scoped: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      await (await scope(servers[(i * 7) % servers.length]!)).ask(QUESTIONS[i % QUESTIONS.length]!);
      scoped.push(performance.now() - t);
    }
    results.warmWithScopingP50Ms = round(quantile(scoped, 0.5), 2);
    results.warmWithScopingP95Ms = round(quantile(scoped, 0.95), 2);
    await library.close();

    // An LRU smaller than the servers' documents: some questions reload indexes.
    const small = new DocumentLibrary({ ...options, maxLoaded: Math.max(1, Math.floor((SERVERS * PER_SERVER) / 4)) });
    const churn: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await (await (async () => new DocumentSet([...(await small.engines(servers[(i * 7) % servers.length]!)), shared]))()).ask(QUESTIONS[i % QUESTIONS.length]!);
      churn.push(performance.now() - t);
    }
    results.lruQuarterP50Ms = round(quantile(churn, 0.5), 2);
    results.lruQuarterP95Ms = round(quantile(churn, 0.95), 2);
    await small.close();
    await shared.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }

  if (values.json) {
    console.log(JSON.stringify(results));
    return;
  }
  const rows: Array<[string, string]> = [
    ['documents', `${SERVERS} servers × ${PER_SERVER} (${results.source}, ${results.totalMB} MB)`],
    ['index all, one at a time', `${results.indexAllS} s`],
    ['indexes loaded after start', `${results.loadedAfterStart} (heap +${results.idleHeapDeltaMB} MB)`],
    [`first answer of a cold server (loads its ${PER_SERVER} indexes)`, `${results.coldServerFirstAnswerMs} ms (p50 over the others ${results.coldServerP50Ms} ms)`],
    ['memory per loaded document index', `heap ${results.heapPerIndexMB} MB + external ${results.externalPerIndexMB} MB (RSS ${results.rssPerIndexMB} MB); all ${results.loadedIndexes} loaded: RSS ${results.rssAllLoadedMB} MB`],
    [`warm answer over ${PER_SERVER} documents + shared corpus`, `p50 ${results.warmP50Ms} ms, p95 ${results.warmP95Ms} ms`],
    ['… with the per-question scoping', `p50 ${results.warmWithScopingP50Ms} ms, p95 ${results.warmWithScopingP95Ms} ms`],
    ['LRU holding a quarter of the indexes', `p50 ${results.lruQuarterP50Ms} ms, p95 ${results.lruQuarterP95Ms} ms`],
  ];
  for (const [name, value] of rows) console.log(`${name.padEnd(52)} ${value}`);
  if (!gc) console.log('(run with --expose-gc for memory after collection)');
}

await main();
