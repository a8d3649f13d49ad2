/**
 * The engine in a process of its own (the bot's, see src/core/engineProcess.ts) answers as
 * the engine in this process does, and explains failures with the same codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Verbatim } from '../../src/core/engine.js';
import { EngineClient } from '../../src/core/engineProcess.js';
import { VerbatimError } from '../../src/core/errors.js';
import { tempCorpus } from './helpers.js';

let local: Verbatim;
let remote: EngineClient;
let dirs: { corpus: string; indexDir: string };
const logged: string[] = [];

beforeAll(async () => {
  dirs = tempCorpus('engine-process');
  remote = await EngineClient.open({ ...dirs, logger: { debug() {}, info: (_o, m) => void logged.push(m ?? ''), warn: (_o, m) => void logged.push(m ?? ''), error() {} } });
  local = await Verbatim.open({ ...dirs, rebuild: 'never' });
}, 120_000);
afterAll(async () => {
  await local?.close();
  await remote?.close();
});

describe('the engine process', () => {
  it('built the index (and said so through the logger it was given)', () => {
    expect(remote.rebuiltBecause).toMatch(/no index/);
    expect(logged).toContain('building the index');
    expect(remote.manifest.buildId).toBe(local.manifest.buildId);
  });

  it('answers, summarises, quizzes and lists exactly as the engine in this process', async () => {
    for (const q of ['Why did Russia recognize the Taliban?', 'What happens to journalists?', 'qwxz zzvvq']) expect(await remote.ask(q)).toEqual(await local.ask(q));
    expect(await remote.summarise({ sentences: 4 })).toEqual(await local.summarise({ sentences: 4 }));
    expect(await remote.quiz({ seed: 7 })).toEqual(local.quiz({ seed: 7 }));
    expect(remote.documents()).toEqual(local.documents());
    expect(remote.sections()).toEqual(local.sections());
    expect(remote.sectionText('seed.txt', 3)).toEqual(local.sectionText('seed.txt', 3));
    expect(remote.sectionText('seed.txt', 3, 5)).toEqual(local.sectionText('seed.txt', 3, 5));
    // "Show in context" reads the text around a quote.
    const block = local.sectionText('seed.txt', 3, 5)[0]!;
    expect(remote.textAt('seed.txt', block.start - 40, block.end)).toBe(local.textAt('seed.txt', block.start - 40, block.end));
    expect(remote.textAt('seed.txt', block.start, block.end)).toBe(block.quote);
    expect(remote.textAt('seed.txt', 0, 10 ** 9)).toBeUndefined();
  });

  it('fails with the same codes', async () => {
    await expect(remote.ask('   ')).rejects.toMatchObject({ code: 'EMPTY_QUESTION' });
    await expect(remote.ask('   ')).rejects.toBeInstanceOf(VerbatimError);
    expect(() => remote.sectionText('seed.txt', 99)).toThrow(expect.objectContaining({ code: 'UNKNOWN_SECTION' }));
    expect(() => remote.sectionText('nope.txt', 1)).toThrow(expect.objectContaining({ code: 'UNKNOWN_DOCUMENT' }));
    await expect(remote.summarise({ documentId: 'nope.txt' })).rejects.toMatchObject({ code: 'UNKNOWN_DOCUMENT' });
  });

  it('re-indexes, and its lists follow', async () => {
    fs.writeFileSync(path.join(dirs.corpus, 'extra.md'), '# Extra\n\nA second document about bees and honey.\n');
    expect(await remote.corpusChanged()).toBe(true);
    const summary = await remote.reindex();
    expect(summary).toMatchObject({ changed: true, manifest: { counts: { documents: 2 } } });
    expect(remote.documents().map((d) => d.id)).toEqual(['extra.md', 'seed.txt']);
    expect(remote.sectionText('extra.md', 1)[0]!.quote).toBe('A second document about bees and honey.');
  });

  it('reports an engine that cannot open, with its code', async () => {
    await expect(EngineClient.open({ corpus: path.join(dirs.corpus, 'missing'), indexDir: dirs.indexDir })).rejects.toMatchObject({ code: 'CORPUS_UNREADABLE' });
  });
});

describe('an engine process that dies', () => {
  it('is reported once, and calls fail instead of hanging', async () => {
    const crashes: string[] = [];
    const engine = await EngineClient.open({ ...tempCorpus('engine-process-crash'), onCrash: (reason) => crashes.push(reason) });
    const child = (engine as unknown as { child: { pid: number } }).child;
    process.kill(child.pid, 'SIGKILL');
    await expect(engine.ask('Why did Russia recognize the Taliban?')).rejects.toThrow(/exited/);
    expect(crashes).toEqual([expect.stringMatching(/exited unexpectedly \(SIGKILL\)/)]);
    await engine.close();
  });
});
