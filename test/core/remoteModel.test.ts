/**
 * EMBEDDING_MODEL with a Hugging Face id: transformers.js downloads the model when allowed
 * and caches it. The Hub is unreachable here, so a local HTTP server plays its part,
 * serving the bundled model under the Hub's URL layout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { env, pipeline, type FeatureExtractionPipeline } from '@xenova/transformers';
import { loadEmbedder } from '../../src/core/embed/loadEmbedder.js';
import { BUNDLED_MODEL, BUNDLED_MODELS_DIR } from '../../src/core/paths.js';

const MODEL_ID = 'verbatim-test/glove-mirror';
/**
 * Served a real encoder's files (all-MiniLM-L6-v2) without its profile.json, which
 * transformers.js does not download: the name alone tells the embedder to use bge's profile
 * ([CLS] pooling, a query prefix).
 */
const BGE_ID = 'verbatim-test/bge-small-en-v1.5';
const ENCODER = 'all-minilm-l6-v2';
const served: string[] = [];
let server: http.Server;
let host: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    // The Hub's layout: /{model}/resolve/{revision}/{file}
    const url = decodeURIComponent(req.url ?? '');
    const prefix = [MODEL_ID, BGE_ID].map((id) => `/${id}/resolve/main/`).find((p) => url.startsWith(p));
    const file = prefix ? path.join(BUNDLED_MODELS_DIR, prefix.includes(BGE_ID) ? ENCODER : BUNDLED_MODEL, url.slice(prefix.length)) : '';
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    served.push(url.slice(prefix!.length));
    res.writeHead(200, { 'content-length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a model named by id', () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-model-cache-'));

  it('is refused while downloads are off', async () => {
    await expect(loadEmbedder({ model: MODEL_ID, cacheDir, remoteHost: host })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringMatching(/ALLOW_REMOTE_MODELS=1/) });
    expect(served).toEqual([]);
  });

  it('is downloaded from the remote host when allowed, cached, and then loads offline', async () => {
    const downloaded = await loadEmbedder({ model: MODEL_ID, cacheDir, remoteHost: host, allowRemoteModels: true });
    expect(served).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', 'onnx/model_quantized.onnx']));
    expect(fs.existsSync(path.join(cacheDir, MODEL_ID, 'onnx', 'model_quantized.onnx'))).toBe(true);
    const [a] = await downloaded.embed(['Russia recognized the Taliban government'], 'passage');
    await downloaded.dispose();

    const count = served.length;
    const cached = await loadEmbedder({ model: MODEL_ID, cacheDir, remoteHost: host, allowRemoteModels: false });
    const [b] = await cached.embed(['Russia recognized the Taliban government'], 'passage');
    await cached.dispose();
    expect(served.length).toBe(count);
    expect(Array.from(b!)).toEqual(Array.from(a!));
  });
});

describe('a model without profile.json', () => {
  it("gets its family's profile: bge pools [CLS] and prefixes questions only; other models mean-pool without prefixes", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-model-cache-'));
    const text = 'Why did Russia recognize the Taliban?';
    const bge = await loadEmbedder({ model: BGE_ID, cacheDir, remoteHost: host, allowRemoteModels: true });
    expect(fs.existsSync(path.join(cacheDir, BGE_ID, 'profile.json'))).toBe(false);
    expect(bge.profile).toMatchObject({ pooling: 'cls', queryPrefix: 'Represent this sentence for searching relevant passages: ', passagePrefix: '' });
    const [bgeQuery] = await bge.embed([text], 'query');
    const [bgePassage] = await bge.embed([text], 'passage');
    await bge.dispose();
    expect(Array.from(bgeQuery!)).not.toEqual(Array.from(bgePassage!));

    // The [CLS] token's vector, as transformers.js's own pipeline pools it.
    env.localModelPath = BUNDLED_MODELS_DIR + path.sep;
    env.allowRemoteModels = false;
    const extractor = (await pipeline('feature-extraction', ENCODER)) as FeatureExtractionPipeline;
    const cls = await extractor(text, { pooling: 'cls', normalize: true });
    await extractor.dispose();
    const expected = Array.from(cls.data as Float32Array);
    Array.from(bgePassage!).forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 5));

    const plain = await loadEmbedder({ model: BUNDLED_MODEL });
    expect(plain.profile).toMatchObject({ pooling: 'mean', queryPrefix: '', passagePrefix: '' });
    const [plainQuery] = await plain.embed([text], 'query');
    const [plainPassage] = await plain.embed([text], 'passage');
    await plain.dispose();
    expect(Array.from(plainQuery!)).toEqual(Array.from(plainPassage!));
  });

  it('takes prefixes set in the options over the profile', async () => {
    const embedder = await loadEmbedder({ model: ENCODER, queryPrefix: 'query: ' });
    expect(embedder.profile).toMatchObject({ pooling: 'mean', queryPrefix: 'query: ', passagePrefix: '' });
    const [query] = await embedder.embed(['what is verbatim'], 'query');
    const [prefixed] = await embedder.embed(['query: what is verbatim'], 'passage');
    await embedder.dispose();
    expect(Array.from(query!)).toEqual(Array.from(prefixed!));
  });
});
