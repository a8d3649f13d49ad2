/** Word-level meaning: the bundled word table, looked up rather than inferred. */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadWordVectors } from '../../src/core/words/wordVectors.js';
import { BUNDLED_WORD_VECTORS } from '../../src/core/paths.js';
import { Verbatim } from '../../src/core/engine.js';
import { readManifest } from '../../src/core/index/indexStore.js';
import { tempCorpus } from './helpers.js';

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('word vectors', () => {
  const table = loadWordVectors(BUNDLED_WORD_VECTORS);

  it('gives unit vectors, case-insensitively, and nothing for unknown words', () => {
    const v = table.vector('Journalists')!;
    expect(v).toHaveLength(table.dimension);
    expect(cos(v, v)).toBeCloseTo(1, 5);
    expect(table.vector('journalists')).toEqual(v);
    expect(table.vector('qzxqvjw')).toBeUndefined();
  });

  it('puts words of like meaning closer than unrelated ones', () => {
    const pairs: Array<[string, string, string]> = [
      ['reporters', 'journalists', 'volcano'],
      ['kremlin', 'moscow', 'shampoo'],
      ['soldiers', 'troops', 'recipe'],
      ['delete', 'remove', 'penguin'],
    ];
    for (const [a, b, unrelated] of pairs) {
      expect(cos(table.vector(a)!, table.vector(b)!)).toBeGreaterThan(cos(table.vector(a)!, table.vector(unrelated)!) + 0.3);
    }
  });

  it('names the file to regenerate when the table is damaged', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-words-'));
    for (const f of ['meta.json', 'words.txt']) fs.copyFileSync(path.join(BUNDLED_WORD_VECTORS, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'vectors.i8'), Buffer.alloc(100));
    expect(() => loadWordVectors(dir)).toThrow(/damaged.*build-model -- glove-words-100d/);
  });

  it('is known by its content: a table rebuilt under the same name makes the index stale', async () => {
    // Two copies under the same folder name and size; one row of the second negated.
    const copy = (tweak: boolean) => {
      const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-words-')), 'glove-words-100d');
      fs.mkdirSync(dir);
      for (const f of ['meta.json', 'words.txt', 'vectors.i8']) fs.copyFileSync(path.join(BUNDLED_WORD_VECTORS, f), path.join(dir, f));
      if (tweak) {
        const bytes = fs.readFileSync(path.join(dir, 'vectors.i8'));
        for (let d = 0; d < table.dimension; d++) bytes[1000 * table.dimension + d] = -bytes.readInt8(1000 * table.dimension + d) & 0xff;
        fs.writeFileSync(path.join(dir, 'vectors.i8'), bytes);
      }
      return dir;
    };
    const [same, rebuilt] = [copy(false), copy(true)];
    expect(loadWordVectors(same).id).toBe(table.id);
    expect(loadWordVectors(rebuilt).id).not.toBe(table.id);
    const dirs = tempCorpus('words-rebuilt');
    await (await Verbatim.open({ ...dirs, wordVectors: same })).close();
    const reopened = await Verbatim.open({ ...dirs, wordVectors: rebuilt });
    expect(reopened.rebuiltBecause).toMatch(/word vectors/);
    await reopened.close();
  });

  it('is recorded in the manifest: switching it off makes the index stale', async () => {
    const dirs = tempCorpus('words');
    await (await Verbatim.open(dirs)).close();
    expect(readManifest(dirs.indexDir)!.words).toBe(table.id);
    const without = await Verbatim.open({ ...dirs, wordVectors: false });
    expect(without.rebuiltBecause).toMatch(/word vectors/);
    expect(readManifest(dirs.indexDir)!.words).toBeNull();
    // Without word-level meaning the engine still answers, from the sentence encoder and BM25.
    expect((await without.ask('Which groups remain vulnerable to persecution?')).answered).toBe(true);
    await without.close();
  });
});
