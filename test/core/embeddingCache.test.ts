/**
 * Embeddings are cached by content and model: editing one document re-embeds only what
 * changed, a damaged cache is ignored, and another model never reuses the vectors.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Verbatim } from '../../src/core/engine.js';
import { EMBEDDING_CACHE_FILE, EmbeddingCache } from '../../src/core/embed/embeddingCache.js';
import { readIndex, readManifest } from '../../src/core/index/indexStore.js';
import { loadEmbedder } from '../../src/core/embed/loadEmbedder.js';
import { BUNDLED_MODEL } from '../../src/core/paths.js';
import { tempCorpus } from './helpers.js';

/** How many texts a build embedded (the size of its 'embedding' phase). */
async function embeddedTexts(options: Parameters<typeof Verbatim.open>[0]): Promise<number> {
  let total = -1;
  const engine = await Verbatim.open({ ...options, onProgress: (e) => void (e.phase === 'embedding' && (total = e.total)) });
  await engine.close();
  return total;
}

describe('embedding cache', () => {
  it('re-embeds only the texts of an edited document', async () => {
    const dirs = tempCorpus('cache');
    fs.writeFileSync(path.join(dirs.corpus, 'notes.txt'), 'Reading notes\n\nThe committee meets every Tuesday. Minutes are published a week later.\n');
    const first = await embeddedTexts(dirs);
    expect(first).toBeGreaterThan(40);

    fs.writeFileSync(path.join(dirs.corpus, 'notes.txt'), 'Reading notes\n\nThe committee meets every Thursday. Minutes are published a week later.\n');
    const second = await embeddedTexts(dirs);
    // The changed sentence and the chunk holding it; nothing of the seed document.
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThanOrEqual(3);

    // A rebuild of an unchanged corpus embeds nothing at all.
    expect(await embeddedTexts({ ...dirs, rebuild: 'always' })).toBe(0);
  });

  it('gives the same index as embedding from scratch', async () => {
    const dirs = tempCorpus('cache-same');
    await embeddedTexts(dirs);
    await embeddedTexts({ ...dirs, rebuild: 'always' });
    const cached = await readIndex(dirs.indexDir, readManifest(dirs.indexDir)!);
    fs.rmSync(path.join(dirs.indexDir, EMBEDDING_CACHE_FILE));
    await embeddedTexts({ ...dirs, rebuild: 'always' });
    const fresh = await readIndex(dirs.indexDir, readManifest(dirs.indexDir)!);
    expect([...cached.sentenceVectors]).toEqual([...fresh.sentenceVectors]);
  });

  it('gives an edited corpus, rebuilt partly from the cache, the index a build from scratch gives it', async () => {
    // The edited texts are embedded apart from the rest here, with all the others from
    // scratch: a vector must not depend on what it was embedded with.
    const dirs = tempCorpus('cache-edit');
    await embeddedTexts(dirs);
    const seed = path.join(dirs.corpus, 'seed.txt');
    fs.writeFileSync(seed, fs.readFileSync(seed, 'utf8').replace('Hazaras', 'Hazara people'));
    expect(await embeddedTexts(dirs)).toBeLessThanOrEqual(4);
    const rebuilt = await readIndex(dirs.indexDir, readManifest(dirs.indexDir)!);
    fs.rmSync(path.join(dirs.indexDir, EMBEDDING_CACHE_FILE));
    expect(await embeddedTexts({ ...dirs, rebuild: 'always' })).toBeGreaterThan(40);
    const fresh = await readIndex(dirs.indexDir, readManifest(dirs.indexDir)!);
    expect([...rebuilt.sentenceVectors]).toEqual([...fresh.sentenceVectors]);
  });

  it('ignores a damaged cache file and replaces it', async () => {
    const dirs = tempCorpus('cache-damaged');
    const full = await embeddedTexts(dirs);
    const file = path.join(dirs.indexDir, EMBEDDING_CACHE_FILE);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_: object, m?: string) => void warnings.push(m ?? '') };
    expect(await embeddedTexts({ ...dirs, rebuild: 'always', logger })).toBe(full);
    expect(warnings.join('\n')).toMatch(/ignoring the embedding cache .*checksum/);
    expect(await embeddedTexts({ ...dirs, rebuild: 'always' })).toBe(0);
  });

  it('never hands one model’s vectors to another', () => {
    const dirs = tempCorpus('cache-model');
    fs.mkdirSync(dirs.indexDir, { recursive: true });
    const a = EmbeddingCache.open(dirs.indexDir, 'model-a', 2);
    a.set('hello', Float32Array.of(1, 0));
    a.save();
    expect(EmbeddingCache.open(dirs.indexDir, 'model-a', 2).get('hello')).toEqual(Float32Array.of(1, 0));
    expect(EmbeddingCache.open(dirs.indexDir, 'model-b', 2).get('hello')).toBeUndefined();
  });
});

describe('sentence vectors', () => {
  it('are embedded when the index is built, one per sentence, as the model embeds each sentence', async () => {
    const dirs = tempCorpus('sentences');
    await embeddedTexts(dirs);
    const manifest = readManifest(dirs.indexDir)!;
    const index = await readIndex(dirs.indexDir, manifest);
    const dim = manifest.model.dimension;
    expect(index.sentenceVectors.length).toBe(manifest.counts.sentences * dim);
    const embedder = await loadEmbedder({ model: BUNDLED_MODEL });
    const sentences = index.documents[0]!.sections.flatMap((s) => s.blocks.flatMap((b) => b.sentences.map((x) => x.text)));
    const picks = [0, 7, sentences.length - 1];
    const expected = await embedder.embed(picks.map((i) => sentences[i]!), 'passage');
    picks.forEach((i, j) => {
      const row = index.sentenceVectors.subarray(i * dim, (i + 1) * dim);
      let cos = 0;
      for (let d = 0; d < dim; d++) cos += row[d]! * expected[j]![d]!;
      // Not identical: int8 dynamic quantisation picks its activation range per batch.
      expect(cos).toBeGreaterThan(0.99);
    });
    await embedder.dispose();
  });
});
