/**
 * `npx tsx scripts/bench-integrity.ts [corpus]`: what verifying an index costs at start-up
 * (issue 11). Builds the corpus's index once (default: the Node.js API docs when present,
 * else the seed), then times reading it with every check on, and the sha256 part alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Verbatim } from '../src/core/engine.js';
import { readIndex, readManifest } from '../src/core/index/indexStore.js';
import { checkChunks, checkDocuments, sha256 } from '../src/core/index/verifyIndex.js';
import { DEFAULT_CORPUS_DIR } from '../src/core/paths.js';

const NODE_DOCS = '/usr/share/doc/nodejs/api';
const corpus = process.argv[2] ?? (fs.existsSync(NODE_DOCS) ? NODE_DOCS : DEFAULT_CORPUS_DIR);
const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-bench-integrity-'));
try {
  await (await Verbatim.open({ corpus, indexDir, rebuild: 'always' })).close();
  const manifest = readManifest(indexDir)!;
  const bytes = Object.values(manifest.files).reduce((n, f) => n + fs.statSync(path.join(indexDir, f)).size, 0);
  const median = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  const load: number[] = [];
  const hash: number[] = [];
  const records: number[] = [];
  for (let i = 0; i < 7; i++) {
    let t = performance.now();
    await readIndex(indexDir, readManifest(indexDir)!);
    load.push(performance.now() - t);
    const contents = Object.values(manifest.files).map((f) => fs.readFileSync(path.join(indexDir, f)));
    t = performance.now();
    for (const c of contents) sha256(c);
    hash.push(performance.now() - t);
    const documents = JSON.parse(contents[Object.keys(manifest.files).indexOf('documents')]!.toString('utf8'));
    const chunks = JSON.parse(contents[Object.keys(manifest.files).indexOf('chunks')]!.toString('utf8'));
    t = performance.now();
    checkDocuments(documents, 'documents');
    checkChunks(chunks, documents, manifest.counts.sentences, 'chunks');
    records.push(performance.now() - t);
  }
  console.log(`corpus ${corpus}: ${manifest.counts.documents} documents, ${manifest.counts.chunks} chunks, index files ${(bytes / 1e6).toFixed(1)} MB`);
  console.log(`read + verify the index (median of 7): ${median(load).toFixed(1)} ms, of which sha256 of every file: ${median(hash).toFixed(1)} ms, checking every record: ${median(records).toFixed(1)} ms`);
} finally {
  fs.rmSync(indexDir, { recursive: true, force: true });
}
