/**
 * Passage embeddings kept between builds, keyed by the text's content hash and by the model
 * (name, files and settings): editing one document re-embeds only the chunks and sentences
 * that changed, and a model change starts afresh. A transformer costs a forward pass per
 * text, so this is what makes re-indexing a large corpus after a small edit take seconds.
 *
 * One file, written atomically after a build with exactly the vectors that build used (so it
 * never grows beyond one corpus's worth):
 *   4 bytes   header length H (uint32 LE)
 *   H bytes   JSON { version, model, dimension, count, sha256 } (sha256 of everything after it)
 *   count × 16 bytes   keys (first 16 bytes of sha256 of the text)
 *   count × dimension × 4 bytes   vectors (float32 LE)
 * A file that does not verify is ignored (and replaced): a cache is never trusted.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../types.js';

const VERSION = 1;
export const EMBEDDING_CACHE_FILE = 'embedding-cache.bin';
const KEY_BYTES = 16;

interface Header {
  version: number;
  model: string;
  dimension: number;
  count: number;
  sha256: string;
}

export class EmbeddingCache {
  private readonly hits = new Map<string, Float32Array>();
  /** Everything looked up or added during this build: what the next cache file holds. */
  private readonly used = new Map<string, Float32Array>();

  private constructor(
    private readonly file: string,
    /** Identifies the model, its files and settings: vectors of another model are never reused. */
    readonly model: string,
    readonly dimension: number,
    private readonly stored: Map<string, Float32Array>,
  ) {}

  /** The cache in `dir` for `model`, empty when there is none, it is for another model, or it fails to verify. */
  static open(dir: string, model: string, dimension: number, logger?: Logger): EmbeddingCache {
    const file = path.join(dir, EMBEDDING_CACHE_FILE);
    return new EmbeddingCache(file, model, dimension, readCache(file, model, dimension, logger));
  }

  static key(text: string): string {
    return crypto.createHash('sha256').update(text).digest().subarray(0, KEY_BYTES).toString('hex');
  }

  get(text: string): Float32Array | undefined {
    const key = EmbeddingCache.key(text);
    const v = this.stored.get(key);
    if (v) {
      this.hits.set(key, v);
      this.used.set(key, v);
    }
    return v;
  }

  set(text: string, vector: Float32Array): void {
    this.used.set(EmbeddingCache.key(text), vector);
  }

  get reused(): number {
    return this.hits.size;
  }

  /** Writes the vectors this build used, atomically. */
  save(): void {
    const keys = [...this.used.keys()];
    const body = Buffer.alloc(keys.length * (KEY_BYTES + this.dimension * 4));
    keys.forEach((k, i) => Buffer.from(k, 'hex').copy(body, i * KEY_BYTES));
    const vectorsAt = keys.length * KEY_BYTES;
    keys.forEach((k, i) => {
      const v = this.used.get(k)!;
      Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(body, vectorsAt + i * this.dimension * 4);
    });
    const header: Header = { version: VERSION, model: this.model, dimension: this.dimension, count: keys.length, sha256: crypto.createHash('sha256').update(body).digest('hex') };
    const head = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(head.length);
    const tmp = `${this.file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.writeFileSync(tmp, Buffer.concat([length, head, body]));
      fs.renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written costs the next build time, nothing else.
      fs.rmSync(tmp, { force: true });
    }
  }
}

function readCache(file: string, model: string, dimension: number, logger?: Logger): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch {
    return out;
  }
  try {
    const headLength = raw.readUInt32LE(0);
    const header = JSON.parse(raw.subarray(4, 4 + headLength).toString('utf8')) as Header;
    if (header.version !== VERSION || header.model !== model || header.dimension !== dimension) return out;
    const body = raw.subarray(4 + headLength);
    if (body.length !== header.count * (KEY_BYTES + dimension * 4) || crypto.createHash('sha256').update(body).digest('hex') !== header.sha256) {
      throw new Error('its contents do not match its checksum');
    }
    // Copy out of the file buffer so each vector is aligned and independent of it.
    const vectors = new Float32Array(header.count * dimension);
    Buffer.from(vectors.buffer).set(body.subarray(header.count * KEY_BYTES));
    for (let i = 0; i < header.count; i++) {
      out.set(body.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES).toString('hex'), vectors.subarray(i * dimension, (i + 1) * dimension));
    }
  } catch (error) {
    logger?.warn({ file }, `ignoring the embedding cache ${file}: ${(error as Error).message}`);
    out.clear();
  }
  return out;
}
