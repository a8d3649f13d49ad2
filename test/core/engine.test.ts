/**
 * The engine end to end on the seed document, with the bundled model, offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Verbatim } from '../../src/core/engine.js';
import { VerbatimError } from '../../src/core/errors.js';
import { foldWhitespace } from '../../src/core/answer/makePassage.js';
import { MANIFEST_FILE, OLD_BUILD_GRACE_MS, readManifest } from '../../src/core/index/indexStore.js';
import { manifestChecksum } from '../../src/core/index/verifyIndex.js';
import { seedText, tempCorpus } from './helpers.js';
import { BUNDLED_MODEL, BUNDLED_MODELS_DIR } from '../../src/core/paths.js';
import { EMBEDDING_CACHE_FILE } from '../../src/core/embed/embeddingCache.js';
import { DEFAULT_QUOTES } from '../../src/core/answer/chooseQuotes.js';
import { TYPED_SENTENCES } from '../../src/core/answer/answerQuestion.js';
import { DEFAULT_TOP, MAX_TOP } from '../../src/core/limits.js';

const BUNDLED_MODEL_DIR = path.join(BUNDLED_MODELS_DIR, BUNDLED_MODEL);

let engine: Verbatim;
let dirs: { corpus: string; indexDir: string };

beforeAll(async () => {
  dirs = tempCorpus();
  engine = await Verbatim.open(dirs);
});
afterAll(async () => {
  await engine?.close();
});

describe('answers', () => {
  const questions = [
    'Why did Russia recognize the Taliban?',
    'Which groups are vulnerable to persecution?',
    'What should global stakeholders prioritize?',
    'What happens to journalists?',
    'How could recognition change international aid?',
  ];

  it.each(questions)('quotes verbatim with offsets that round-trip: %s', async (q) => {
    const answer = await engine.ask(q);
    expect(answer.answered).toBe(true);
    expect(answer.passages.length).toBeGreaterThan(0);
    for (const p of answer.passages) {
      expect(p.quote).toBe(foldWhitespace(seedText.slice(p.start, p.end)));
      expect(seedText.includes(p.quote)).toBe(true);
      expect(p.quote.length).toBeLessThan(700);
      expect(p.score).toBeGreaterThanOrEqual(0);
      expect(p.score).toBeLessThanOrEqual(1);
      const section = engine.sections().find((s) => s.number === p.section.number)!;
      expect(p.section.title).toBe(section.title);
      expect(p.paragraph).toBeGreaterThanOrEqual(1);
      expect(p.paragraph).toBeLessThanOrEqual(section.paragraphs);
    }
  });

  it('finds the sentence that answers a direct question first', async () => {
    const answer = await engine.ask('Which groups such as the Hazaras remain vulnerable?');
    expect(answer.passages[0]!.quote).toContain('Hazaras remain vulnerable to persecution');
    expect(answer.passages[0]!.section.number).toBe(3);
    // A list item carries the line that introduces it.
    expect(answer.passages[0]!.leadIn?.quote).toBe('Key human rights issues under scrutiny include:');
  });

  it('gives a list item the sentence that introduces its list, not the whole paragraph', async () => {
    const answer = await engine.ask('Which regional actors could encourage the Taliban toward moderate policies?');
    const item = answer.passages.find((p) => p.quote.startsWith('Engaging regional actors'))!;
    expect(item.leadIn!.quote).toBe('International partners might consider:');
    expect(seedText.slice(item.leadIn!.start, item.leadIn!.end)).toBe('International partners might consider:');
  });

  it('answers a "why" question with a reason, not a restatement', async () => {
    const answer = await engine.ask('Why did Russia recognize the Taliban?');
    expect(answer.passages[0]!.quote).toMatch(/strategic bid to reassert influence|aims to ensure/);
  });

  it('quotes a sentence repeated under several headings once', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-repeat-'));
    fs.mkdirSync(path.join(root, 'corpus'));
    const notice = 'This method is deprecated because its key derivation is weak; use a password hashing function instead.';
    fs.writeFileSync(
      path.join(root, 'corpus', 'api.md'),
      `# API\n\n## encrypt()\n\nEncrypts data with a key.\n\n${notice}\n\n## decrypt()\n\nDecrypts data with a key.\n\n${notice}\n`,
    );
    const small = await Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index') });
    try {
      const answer = await small.ask('Why is the key derivation deprecated?', { top: 4 });
      expect(answer.passages.filter((p) => p.quote === notice)).toHaveLength(1);
    } finally {
      await small.close();
    }
  });

  it('pages through passages without repeating one', async () => {
    const first = await engine.ask('human rights', { top: 2 });
    const next = await engine.ask('human rights', { top: 2, offset: 2 });
    const all = await engine.ask('human rights', { top: 4 });
    expect([...first.passages, ...next.passages].map((p) => p.start)).toEqual(all.passages.map((p) => p.start));
    expect(new Set(all.passages.map((p) => p.start)).size).toBe(all.passages.length);
  });

  it('keeps to the default and the limits when top or offset is not a number', async () => {
    const first = await engine.ask('human rights', { top: 2 });
    expect((await engine.ask('human rights', { top: Number.NaN })).passages).toHaveLength(DEFAULT_TOP);
    expect((await engine.ask('human rights', { top: 2, offset: Number.NaN })).passages).toEqual(first.passages);
    expect((await engine.ask('human rights', { top: Number.POSITIVE_INFINITY })).passages.length).toBeLessThanOrEqual(MAX_TOP);
  });

  it.each(['What is the best recipe for chocolate cake?', 'Who won the 1998 football World Cup?', 'How do I install Python on Windows?'])(
    'refuses an off-topic question and names the closest sections: %s',
    async (q) => {
      const answer = await engine.ask(q);
      expect(answer.answered).toBe(false);
      expect(answer.passages).toEqual([]);
      expect(answer.reason).toMatch(/doesn't seem to answer/);
      expect(answer.closestSections!.length).toBeGreaterThan(0);
    },
  );

  it.each([
    ['How many soldiers does Russia keep in Afghanistan?', /gives a number\.$/],
    ['On what date did Moscow announce the recognition?', /gives a date\.$/],
    ['What does kremlin.imposeSanctions() return?', /never mentions “kremlin\.imposeSanctions\(\)”\.$/],
  ])(
    'refuses a question for a figure, date or code name the document never gives, however close its words, and says so: %s',
    async (q, why) => {
      const answer = await engine.ask(q);
      expect(answer.answered).toBe(false);
      expect(answer.reason).toMatch(why);
      expect(answer.closestSections!.length).toBeGreaterThan(0);
    },
  );

  it('reads a full stop typed without its space as the end of a sentence, not as a code name ("first.Why")', async () => {
    const answer = await engine.ask('Who recognized the Taliban first.Why?');
    expect(answer.reason ?? '').not.toMatch(/never mentions/);
    expect(answer.answered).toBe(true);
    expect(answer.passages[0]!.quote).toMatch(/first country to officially recognize/);
  });

  it('refuses a question about a place the document never names, though word vectors put it next to one it does', async () => {
    // "Uzbekistan" is a close neighbour of "Afghanistan" in the word table; a name is not paraphrased.
    const answer = await engine.ask('What is the national dish of Uzbekistan?');
    expect(answer.answered).toBe(false);
    expect(answer.confidence!.nameGap).toBe(1);
  });

  it('counts another form of a name the document uses as known ("Afghan" for "Afghanistan")', async () => {
    const answer = await engine.ask('What worries Afghan women and girls?');
    expect(answer.confidence!.nameGap).toBe(0);
    expect(answer.answered).toBe(true);
    expect(answer.passages[0]!.quote).toMatch(/women/i);
  });

  it('measures token alignment for a question it may answer, and skips it for one no alignment could save', async () => {
    const answered = await engine.ask('Which groups remain vulnerable to persecution?');
    expect(answered.confidence!.alignment).toBeGreaterThan(0.5);
    const refused = await engine.ask('How do I install Python on Windows?');
    expect(refused.answered).toBe(false);
    expect(refused.confidence!.alignment).toBe(0);
  });

  it('still answers and refuses with token alignment switched off (the general rule decides)', async () => {
    const plain = await Verbatim.open({ ...tempCorpus('noalign'), quotes: { ...DEFAULT_QUOTES, alignWeight: 0 } });
    try {
      const answer = await plain.ask('Which groups remain vulnerable to persecution?');
      expect(answer.answered).toBe(true);
      expect(answer.confidence!.alignment).toBe(0);
      expect(answer.passages[0]!.quote).toContain('Hazaras');
      expect((await plain.ask('What is the best recipe for chocolate cake?')).answered).toBe(false);
    } finally {
      await plain.close();
    }
  });

  it('answers the same kinds of question when the document does give the figure and the name', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-types-'));
    fs.mkdirSync(path.join(root, 'corpus'));
    fs.writeFileSync(
      path.join(root, 'corpus', 'history.md'),
      '# History\n\nThe `rl.close()` method closes the interface and releases the input stream.\n\nThe `rl.clearLine()` method clears the current line of the terminal.\n\nThe history list keeps 30 entries by default; older entries are dropped first.\n\nEach entry records a line the user typed.\n',
    );
    const small = await Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index') });
    try {
      const howMany = await small.ask('How many entries does the history list keep?');
      expect(howMany.answered).toBe(true);
      expect(howMany.passages[0]!.quote).toContain('30 entries');
      expect((await small.ask('What does rl.close() do?')).passages[0]!.quote).toContain('closes the interface');
      const unknown = await small.ask('What does rl.clearHistory() do?');
      expect(unknown.answered).toBe(false);
      expect(unknown.reason).toBe("The document doesn't seem to answer that. It never mentions “rl.clearHistory()”.");
      // Names are compared as written: "clearLines" and "clearLine" share a search stem, not a name.
      expect((await small.ask('What does rl.clearLine() do?')).passages[0]!.quote).toContain('clears the current line');
      expect((await small.ask('What does rl.clearLines() do?')).answered).toBe(false);

    } finally {
      await small.close();
    }
  });

  it('asks a figure of the sentences closest to the question, not of any sentence in their passages', async () => {
    // Sentences about the loop's speed, none with a figure, and figures in the same passage
    // about other things: "How many milliseconds…" is not answered by them.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-typed-'));
    fs.mkdirSync(path.join(root, 'corpus'));
    const speed = [
      'The `for await...of` loop can be a bit slower than the `line` event.',
      'Reading lines with the loop is slower than listening for the event.',
      'The event is faster than the asynchronous iterator for reading lines.',
      'If speed matters, prefer the `line` event to the loop.',
      'The asynchronous iterator adds overhead to every line it reads.',
      'Performance-sensitive code should listen for the `line` event.',
      'The loop trades some speed for simpler code.',
      'Iterating over lines asynchronously costs more time than the event does.',
      'The slower loop is still fast enough for most scripts.',
      'Benchmarks show the event handler ahead of the loop.',
      'Choosing between the loop and the event is a question of speed against convenience.',
      'A script reading huge files line by line notices the slower loop first.',
    ];
    // More of them than the sentences asked for a figure, so none of those has one.
    expect(speed.length).toBeGreaterThan(TYPED_SENTENCES);
    const other = ['The history list keeps 30 entries by default.', 'The tab size is 8 columns.', 'The escape code delay is 500 milliseconds.'];
    fs.writeFileSync(path.join(root, 'corpus', 'lines.md'), `# Reading lines\n\n${speed.join(' ')}\n\n${other.join(' ')}\n`);
    const small = await Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index') });
    try {
      const answer = await small.ask('How many milliseconds slower is the for await loop than the line event?');
      expect(answer.answered).toBe(false);
      expect(answer.reason).toMatch(/gives a number\.$/);
      // The figure is there when the question is about it.
      const delay = await small.ask('How many milliseconds is the escape code delay?');
      expect(delay.answered).toBe(true);
      expect(delay.passages[0]!.quote).toContain('500 milliseconds');
    } finally {
      await small.close();
    }
  });

  it('rejects empty and oversized questions with clear errors', async () => {
    await expect(engine.ask('   ')).rejects.toMatchObject({ code: 'EMPTY_QUESTION' });
    await expect(engine.ask('why '.repeat(2500))).rejects.toMatchObject({ code: 'QUESTION_TOO_LONG', message: expect.stringMatching(/limit is 2000/) });
  });

  it('survives hostile input: control characters, markup, unknown words', async () => {
    const answer = await engine.ask('\u0000\u0007 @everyone <script>alert(1)</script> ```zzqx``` Taliban?');
    expect(answer.question).not.toMatch(/[\u0000-\u0008]/);
    const nonsense = await engine.ask('qwxz zzvvq plorbt');
    expect(nonsense.answered).toBe(false);
  });

  it('returns the exact text of a section and of one paragraph', () => {
    const all = engine.sectionText('seed.txt', 3);
    expect(all.length).toBe(engine.sections().find((s) => s.number === 3)!.paragraphs);
    for (const p of all) expect(seedText.slice(p.start, p.end)).toBe(p.quote);
    const one = engine.sectionText('seed.txt', 3, 5);
    expect(one).toHaveLength(1);
    expect(one[0]!.quote).toContain('Hazaras');
    expect(() => engine.sectionText('seed.txt', 9)).toThrow(VerbatimError);
    expect(() => engine.sectionText('nope.txt', 1)).toThrow(/no document/);
  });
});

describe('index lifecycle', () => {
  it('reuses a fresh index without rebuilding it', async () => {
    const before = readManifest(dirs.indexDir)!;
    const again = await Verbatim.open({ ...dirs, rebuild: 'never' });
    expect(again.manifest.buildId).toBe(before.buildId);
    expect(again.rebuiltBecause).toBeUndefined();
    expect(engine.rebuiltBecause).toMatch(/there is no index/);
    await again.close();
  });

  it('notices a changed corpus: error with rebuild off, rebuild with auto', async () => {
    const own = tempCorpus();
    const first = await Verbatim.open(own);
    const builtId = first.manifest.buildId;
    await first.close();
    fs.appendFileSync(path.join(own.corpus, 'seed.txt'), '\nA new closing sentence about Kabul was added.\n');
    await expect(Verbatim.open({ ...own, rebuild: 'never' })).rejects.toMatchObject({ code: 'INDEX_STALE', message: expect.stringMatching(/corpus changed.*npm run index/) });
    const rebuilt = await Verbatim.open(own);
    expect(rebuilt.manifest.buildId).not.toBe(builtId);
    expect(rebuilt.rebuiltBecause).toMatch(/corpus changed/);
    expect((await rebuilt.ask('What was added about Kabul?')).passages.some((p) => p.quote.includes('new closing sentence'))).toBe(true);
    await rebuilt.close();
  });

  it('notices a model change', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(dirs.indexDir, MANIFEST_FILE), 'utf8'));
    const own = tempCorpus();
    fs.mkdirSync(own.indexDir, { recursive: true });
    for (const f of fs.readdirSync(dirs.indexDir)) fs.copyFileSync(path.join(dirs.indexDir, f), path.join(own.indexDir, f));
    // Signed again, as a build with that model would have: a staleness check, not a corruption.
    const edited = { ...manifest, model: { ...manifest.model, name: 'some-other-model' } };
    fs.writeFileSync(path.join(own.indexDir, MANIFEST_FILE), JSON.stringify({ ...edited, checksum: manifestChecksum(edited) }, null, 2));
    await expect(Verbatim.open({ ...own, rebuild: 'never' })).rejects.toMatchObject({ code: 'INDEX_STALE', message: expect.stringMatching(/some-other-model/) });
  });

  it('notices a changed model profile (prefixes, pooling) with the same model files, and records the profile', async () => {
    expect(engine.manifest.model.profile).toMatchObject({ kind: 'encoder', pooling: 'mean', queryPrefix: '', passagePrefix: '' });
    const own = tempCorpus();
    fs.mkdirSync(own.indexDir, { recursive: true });
    for (const f of fs.readdirSync(dirs.indexDir)) fs.copyFileSync(path.join(dirs.indexDir, f), path.join(own.indexDir, f));
    const same = await Verbatim.open({ ...own, rebuild: 'never' });
    await same.close();
    await expect(Verbatim.open({ ...own, rebuild: 'never', embedder: { queryPrefix: 'query: ' } })).rejects.toMatchObject({ code: 'INDEX_STALE', message: expect.stringMatching(/profile of model/) });
    // An index from before profiles were recorded is rebuilt too.
    const manifest = JSON.parse(fs.readFileSync(path.join(own.indexDir, MANIFEST_FILE), 'utf8'));
    delete manifest.model.profile;
    fs.writeFileSync(path.join(own.indexDir, MANIFEST_FILE), JSON.stringify({ ...manifest, checksum: manifestChecksum(manifest) }, null, 2));
    await expect(Verbatim.open({ ...own, rebuild: 'never' })).rejects.toMatchObject({ code: 'INDEX_STALE', message: expect.stringMatching(/does not record the profile/) });
  });

  it('warns once per process, not per engine, that a model has no refusal rule of its own', async () => {
    const model = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-model-')), 'minilm-renamed');
    fs.cpSync(BUNDLED_MODEL_DIR, model, { recursive: true });
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_: object, msg?: string) => void warnings.push(msg ?? '') };
    const first = await Verbatim.open({ ...tempCorpus(), embedder: { model }, logger });
    const second = await Verbatim.open({ ...tempCorpus(), sharedEmbedder: first.embedder, logger });
    await second.close();
    await first.close();
    fs.rmSync(path.dirname(model), { recursive: true, force: true });
    expect(warnings.filter((w) => w.startsWith('no refusal rule'))).toHaveLength(1);
  });

  it('notices a model regenerated under the same name, and reuses the index while the files stay', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-model-'));
    const model = path.join(root, BUNDLED_MODEL);
    fs.cpSync(BUNDLED_MODEL_DIR, model, { recursive: true });
    const own = { ...tempCorpus(), embedder: { model } };
    await (await Verbatim.open(own)).close();
    const again = await Verbatim.open({ ...own, rebuild: 'never' });
    expect(again.rebuiltBecause).toBeUndefined();
    await again.close();
    // The same bytes written again (a copy, a checkout) are the same model.
    const config = path.join(model, 'config.json');
    const original = fs.readFileSync(config, 'utf8');
    fs.writeFileSync(config, original);
    fs.utimesSync(config, new Date(), new Date(Date.now() + 5000));
    const touched = await Verbatim.open({ ...own, rebuild: 'never' });
    expect(touched.rebuiltBecause).toBeUndefined();
    await touched.close();
    // Same name and size, other contents: what `npm run build-model` with other settings does.
    fs.writeFileSync(config, original.replace(/\n$/, ' '));
    expect(fs.statSync(config).size).toBe(Buffer.byteLength(original));
    await expect(Verbatim.open({ ...own, rebuild: 'never' })).rejects.toMatchObject({ code: 'INDEX_STALE', message: expect.stringMatching(/files of model/) });
  });

  it.each([
    ['a truncated vector file', (dir: string, m: { files: { vectors: string } }) => fs.writeFileSync(path.join(dir, m.files.vectors), 'garbage')],
    ['a deleted chunk table', (dir: string, m: { files: { chunks: string } }) => fs.rmSync(path.join(dir, m.files.chunks))],
    ['an unparsable manifest', (dir: string) => fs.writeFileSync(path.join(dir, MANIFEST_FILE), '{"formatVersion": 1, ')],
  ])('detects %s: error with rebuild off, rebuild with auto', async (_name, damage) => {
    const own = tempCorpus();
    const first = await Verbatim.open(own);
    const manifest = first.manifest;
    await first.close();
    damage(own.indexDir, manifest);
    await expect(Verbatim.open({ ...own, rebuild: 'never' })).rejects.toMatchObject({ code: 'INDEX_CORRUPT' });
    const rebuilt = await Verbatim.open(own);
    expect((await rebuilt.ask('Why did Russia recognize the Taliban?')).answered).toBe(true);
    await rebuilt.close();
  });

  it('removes files of older builds once they are past the grace period, keeping recent ones', async () => {
    const own = tempCorpus();
    await (await Verbatim.open(own)).close();
    const first = readManifest(own.indexDir)!;
    // Another process's build, written moments ago, and one that is long over.
    fs.writeFileSync(path.join(own.indexDir, 'vectors-recent-build.hnsw'), 'partial');
    fs.writeFileSync(path.join(own.indexDir, 'chunks-crashed-build.json.123.abcd.tmp'), 'partial');
    const longAgo = new Date(Date.now() - OLD_BUILD_GRACE_MS - 60_000);
    fs.utimesSync(path.join(own.indexDir, 'chunks-crashed-build.json.123.abcd.tmp'), longAgo, longAgo);
    for (const name of Object.values(first.files)) fs.utimesSync(path.join(own.indexDir, name), longAgo, longAgo);

    await (await Verbatim.open({ ...own, rebuild: 'always' })).close();
    const second = readManifest(own.indexDir)!;
    expect(fs.readdirSync(own.indexDir).sort()).toEqual([MANIFEST_FILE, EMBEDDING_CACHE_FILE, ...Object.values(second.files), 'vectors-recent-build.hnsw'].sort());
  });
});

describe('bad corpora and models', () => {
  it('skips binary and empty files in a corpus folder', async () => {
    const own = tempCorpus();
    fs.writeFileSync(path.join(own.corpus, 'empty.md'), '   \n');
    fs.writeFileSync(path.join(own.corpus, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2]));
    const e = await Verbatim.open(own);
    expect(e.documents().map((d) => d.id)).toEqual(['seed.txt']);
    await e.close();
  });

  it('explains a corpus with nothing readable', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-empty-'));
    fs.writeFileSync(path.join(root, 'empty.txt'), '');
    await expect(Verbatim.open({ corpus: root, indexDir: path.join(root, 'index') })).rejects.toMatchObject({ code: 'CORPUS_EMPTY', message: expect.stringMatching(/empty\.txt/) });
  });

  it('explains a missing model folder', async () => {
    await expect(Verbatim.open({ ...tempCorpus(), embedder: { model: '/nonexistent/model-folder' } })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringMatching(/npm run build-model/) });
    await expect(Verbatim.open({ ...tempCorpus(), embedder: { model: 'Xenova/not-downloaded' } })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringMatching(/ALLOW_REMOTE_MODELS/) });
  });
});

describe('re-indexing while answering', () => {
  it('keeps answering from the old index during a rebuild, then swaps', async () => {
    const own = tempCorpus();
    const e = await Verbatim.open(own);
    const oldBuild = e.manifest.buildId;
    expect(await e.corpusChanged()).toBe(false);
    expect((await e.reindex()).changed).toBe(false);

    fs.writeFileSync(path.join(own.corpus, 'bees.md'), '# Bees\n\nHoney bees communicate the location of flowers with a waggle dance.\n');
    expect(await e.corpusChanged()).toBe(true);
    const rebuild = e.reindex();
    // Asked while the rebuild runs: answered from the old index, which has no bees.
    const during = await e.ask('How do honey bees communicate where flowers are?');
    expect(during.passages.some((p) => p.quote.includes('waggle dance'))).toBe(false);
    expect(e.reindex()).toBe(rebuild);
    const result = await rebuild;
    expect(result.changed).toBe(true);
    expect(result.manifest.buildId).not.toBe(oldBuild);
    const after = await e.ask('How do honey bees communicate where flowers are?');
    expect(after.passages[0]!.quote).toContain('waggle dance');
    expect(after.passages[0]!.documentId).toBe('bees.md');
    expect(e.documents().map((d) => d.id)).toEqual(['bees.md', 'seed.txt']);
    await e.close();
  });
});
