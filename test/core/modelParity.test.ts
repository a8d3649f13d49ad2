/**
 * Every converted encoder in models/ (a folder with a profile.json of kind "encoder") against
 * the original PyTorch model: reference.json holds the original's embeddings of fixed texts,
 * computed when `npm run build-model -- <name>` converted it. The bundled int8 ONNX model,
 * loaded the way users load it (loadEmbedder, transformers.js, local files only), must point
 * the same way (cosine >= 0.99) for every text, alone (as a question is embedded) and in
 * batches (as passages are indexed: dynamic quantisation makes a vector depend a little on its
 * batch), and must still tell paraphrases from unrelated pairs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmbedder, type Embedder } from '../../src/core/embed/loadEmbedder.js';
import { PROFILE_FILE, readModelProfile } from '../../src/core/embed/modelProfile.js';

const MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
const MIN_COSINE = 0.99;

interface Reference {
  profile: unknown;
  texts: Array<{ id: string; kind: 'query' | 'passage'; text: string; embedding: number[] }>;
  paraphrases: Array<[string, string]>;
  unrelated: Array<[string, string]>;
}

const encoders = fs
  .readdirSync(MODELS_DIR)
  .filter((name) => fs.existsSync(path.join(MODELS_DIR, name, PROFILE_FILE)))
  .filter((name) => readModelProfile(path.join(MODELS_DIR, name))!.kind === 'encoder')
  .sort();

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
};

it('finds the converted encoders', () => {
  expect(encoders).toContain('all-minilm-l6-v2');
});

describe.each(encoders)('converted encoder %s', (name) => {
  const folder = path.join(MODELS_DIR, name);
  const reference = JSON.parse(fs.readFileSync(path.join(folder, 'reference.json'), 'utf8')) as Reference;
  let embedder: Embedder;

  beforeAll(async () => {
    // The ONNX file is committed once, apart from the rest: a folder without it is a broken bundle.
    expect(fs.existsSync(path.join(folder, 'onnx', 'model_quantized.onnx')), `${name}/onnx/model_quantized.onnx is missing: run \`npm run build-model -- ${name}\``).toBe(true);
    embedder = await loadEmbedder({ model: name });
  }, 60_000);

  afterAll(async () => {
    await embedder?.dispose();
  });

  it('loads with the profile of its folder, the one its references were computed with', () => {
    expect(embedder.profile).toEqual(readModelProfile(folder));
    expect(reference.profile).toEqual(readModelProfile(folder));
    expect(embedder.dimension).toBe(reference.texts[0]!.embedding.length);
  });

  it(`agrees with the original model (cosine >= ${MIN_COSINE}) on every text embedded alone`, async () => {
    const cosines: Record<string, number> = {};
    for (const t of reference.texts) cosines[t.id] = cosine((await embedder.embed([t.text], t.kind))[0]!, t.embedding);
    const worst = Object.entries(cosines).sort((a, b) => a[1] - b[1])[0]!;
    expect(worst[1], `lowest cosine ${worst[1].toFixed(4)} on "${worst[0]}"`).toBeGreaterThanOrEqual(MIN_COSINE);
  }, 60_000);

  it(`agrees with the original model (cosine >= ${MIN_COSINE}) on every text embedded in one batch`, async () => {
    for (const kind of ['query', 'passage'] as const) {
      const texts = reference.texts.filter((t) => t.kind === kind);
      const vectors = await embedder.embed(
        texts.map((t) => t.text),
        kind,
      );
      texts.forEach((t, i) => expect(cosine(vectors[i]!, t.embedding), `${kind} "${t.id}"`).toBeGreaterThanOrEqual(MIN_COSINE));
    }
  }, 60_000);

  it('scores every paraphrase pair above every unrelated pair', async () => {
    const vectors = new Map<string, Float32Array>();
    for (const t of reference.texts) vectors.set(t.id, (await embedder.embed([t.text], t.kind))[0]!);
    const score = ([a, b]: [string, string]) => cosine(vectors.get(a)!, vectors.get(b)!);
    const lowestParaphrase = Math.min(...reference.paraphrases.map(score));
    const highestUnrelated = Math.max(...reference.unrelated.map(score));
    expect(lowestParaphrase).toBeGreaterThan(highestUnrelated);
  }, 60_000);

  it('truncates where the original does: a passage past the token limit embeds like its reference', async () => {
    const limit = embedder.profile.maxTokens!;
    const long = reference.texts.find((t) => embedder.countTokens(t.text) > limit);
    expect(long, `reference.json needs a text longer than ${limit} tokens`).toBeDefined();
    const [v] = await embedder.embed([long!.text], long!.kind);
    expect(cosine(v!, long!.embedding)).toBeGreaterThanOrEqual(MIN_COSINE);
  }, 60_000);
});
