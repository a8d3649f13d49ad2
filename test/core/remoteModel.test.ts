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
import { loadEmbedder } from '../../src/core/embed/loadEmbedder.js';
import { BUNDLED_MODEL, BUNDLED_MODELS_DIR } from '../../src/core/paths.js';

const MODEL_ID = 'verbatim-test/glove-mirror';
const served: string[] = [];
let server: http.Server;
let host: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    // The Hub's layout: /{model}/resolve/{revision}/{file}
    const prefix = `/${MODEL_ID}/resolve/main/`;
    const url = decodeURIComponent(req.url ?? '');
    const file = url.startsWith(prefix) ? path.join(BUNDLED_MODELS_DIR, BUNDLED_MODEL, url.slice(prefix.length)) : '';
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    served.push(url.slice(prefix.length));
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
