/**
 * A model's profile.json: read and checked, defaults for models without one, options on top,
 * and a reranker refused as an embedder before anything is loaded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEmbedder } from '../../src/core/embed/loadEmbedder.js';
import { effectiveProfile, familyProfile, readModelProfile, sameProfile } from '../../src/core/embed/modelProfile.js';

function folderWith(profile: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-profile-'));
  fs.writeFileSync(path.join(dir, 'config.json'), '{"model_type":"bert"}');
  fs.writeFileSync(path.join(dir, 'profile.json'), typeof profile === 'string' ? profile : JSON.stringify(profile));
  return dir;
}

describe('profile.json', () => {
  it('is read with defaults filled in, and absent means undefined', () => {
    expect(readModelProfile(folderWith({ kind: 'encoder', pooling: 'cls', queryPrefix: 'q: ' }))).toEqual({ kind: 'encoder', pooling: 'cls', normalize: true, queryPrefix: 'q: ', passagePrefix: '' });
    expect(readModelProfile(fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-profile-')))).toBeUndefined();
    expect(readModelProfile(undefined)).toBeUndefined();
  });

  it.each([
    ['an unknown pooling', { kind: 'encoder', pooling: 'max' }, /pooling/],
    ['an unknown key', { kind: 'encoder', pool: 'mean' }, /pool/],
    ['no kind', { pooling: 'mean' }, /kind/],
    ['a token limit of zero', { kind: 'encoder', maxTokens: 0 }, /maxTokens/],
    ['broken JSON', '{"kind": ', /not valid JSON/],
  ])('with %s is refused with a message naming the file and the problem', (_name, profile, problem) => {
    const dir = folderWith(profile);
    expect(() => readModelProfile(dir)).toThrow(expect.objectContaining({ code: 'MODEL_LOAD_FAILED', message: expect.stringMatching(problem) }));
    expect(() => readModelProfile(dir)).toThrow(dir);
  });

  it("of a reranker keeps loadEmbedder from using it as an encoder, before the model is loaded", async () => {
    const dir = folderWith({ kind: 'reranker' });
    await expect(loadEmbedder({ model: dir })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED', message: expect.stringMatching(/is a reranker/) });
  });
});

describe('the profile in force', () => {
  it("comes from the model's family when it has no profile.json", () => {
    expect(familyProfile('Xenova/bge-small-en-v1.5')).toMatchObject({ pooling: 'cls', queryPrefix: 'Represent this sentence for searching relevant passages: ' });
    expect(familyProfile('intfloat/e5-small-v2')).toMatchObject({ pooling: 'mean', queryPrefix: 'query: ', passagePrefix: 'passage: ' });
    expect(familyProfile('Xenova/all-MiniLM-L6-v2')).toMatchObject({ pooling: 'mean', queryPrefix: '', passagePrefix: '' });
  });

  it("prefers profile.json to the family's, and prefixes set in the options to both", () => {
    const dir = folderWith({ kind: 'encoder', pooling: 'mean' });
    expect(effectiveProfile('bge-small-en-v1.5', dir)).toMatchObject({ pooling: 'mean', queryPrefix: '' });
    expect(effectiveProfile('bge-small-en-v1.5', dir, { queryPrefix: 'Q: ', passagePrefix: 'P: ' })).toMatchObject({ queryPrefix: 'Q: ', passagePrefix: 'P: ' });
    expect(effectiveProfile('bge-small-en-v1.5', undefined, { passagePrefix: '' })).toMatchObject({ pooling: 'cls', passagePrefix: '' });
  });

  it('compares equal whatever the order of keys, and unequal on any value', () => {
    const a = familyProfile('bge-small-en-v1.5');
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(a).reverse())));
    expect(sameProfile(a, reordered)).toBe(true);
    expect(sameProfile(a, { ...a, queryPrefix: '' })).toBe(false);
    expect(sameProfile(a, { ...a, maxTokens: 512 })).toBe(false);
    expect(sameProfile(a, undefined)).toBe(false);
  });
});
