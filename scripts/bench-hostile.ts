/**
 * `npx tsx scripts/bench-hostile.ts`: how long hostile documents (issue 11) take — parsing
 * each kind, then building an index of the 6 MB one-line file and asking, summarising and
 * quizzing it — and the peak memory. The tests assert only that these complete.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from '../src/core/ingest/parseDocument.js';
import { Verbatim } from '../src/core/engine.js';
import { hostileDocuments } from '../test/fuzz/hostileDocuments.js';

const documents = hostileDocuments();
console.log('document              size (KB)  parse (ms)  sentences  longest (chars)');
for (const [name, text] of Object.entries(documents)) {
  const started = performance.now();
  const doc = parseDocument(text, { id: name, path: name, format: name.endsWith('.md') ? 'markdown' : 'text' });
  const ms = performance.now() - started;
  const sentences = doc.sections.flatMap((s) => s.blocks.flatMap((b) => b.sentences));
  console.log(`${name.padEnd(20)} ${(text.length / 1024).toFixed(0).padStart(10)} ${ms.toFixed(0).padStart(11)} ${String(sentences.length).padStart(10)} ${String(Math.max(...sentences.map((s) => s.end - s.start))).padStart(16)}`);
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-bench-hostile-'));
fs.mkdirSync(path.join(root, 'corpus'));
fs.writeFileSync(path.join(root, 'corpus', 'one-line.txt'), documents['one-line.txt']!);
const time = async <T>(what: string, run: () => Promise<T> | T): Promise<T> => {
  const started = performance.now();
  const result = await run();
  console.log(`${what}: ${(performance.now() - started).toFixed(0)} ms`);
  return result;
};
const engine = await time('one-line.txt: build the index', () => Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index') }));
await time('one-line.txt: ask (on topic)', () => engine.ask('What is word42 about?'));
await time('one-line.txt: ask (off topic)', () => engine.ask('Who won the 1998 football world cup?'));
await time('one-line.txt: summary', () => engine.summarise());
await time('one-line.txt: quiz', () => engine.quiz({ seed: 1 }));
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
await engine.close();
fs.rmSync(root, { recursive: true, force: true });
