/**
 * Index files are verified on a worker thread and handed over only once their size and
 * sha256 match (index/readInBackground). What it must keep: the bytes are the file's, a
 * changed file is refused without holding up the others, and when the worker cannot start
 * or dies the files are still read, verified, on the main thread.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { checksumOf, type FileChecksum } from '../../src/core/index/verifyIndex.js';

const made: string[] = [];

/** A folder of files of these contents, with the checksums an index manifest would record. */
function folder(contents: Record<string, Buffer>): { dir: string; files: Array<[string, FileChecksum]> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-background-'));
  made.push(dir);
  const files: Array<[string, FileChecksum]> = [];
  for (const [name, bytes] of Object.entries(contents)) {
    fs.writeFileSync(path.join(dir, name), bytes);
    files.push([name, checksumOf(bytes)]);
  }
  return { dir, files };
}

const CONTENTS = {
  // Large enough to be its own allocation (transferred), and small (from Node's shared pool: copied).
  'large.f32': Buffer.from(Float32Array.from({ length: 300_000 }, (_, i) => Math.sin(i)).buffer),
  'small.json': Buffer.from(JSON.stringify({ hello: 'world' })),
  'empty.json': Buffer.alloc(0),
};

afterEach(() => {
  vi.doUnmock('node:worker_threads');
  vi.resetModules();
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('reading index files in the background', () => {
  it("delivers each file's exact bytes, in any order asked", async () => {
    const { readVerifiedInBackground } = await import('../../src/core/index/readInBackground.js');
    const { dir, files } = folder(CONTENTS);
    const reads = readVerifiedInBackground(dir, files);
    for (const name of ['small.json', 'large.f32', 'empty.json'] as const) {
      expect(Buffer.compare(await reads.read(name), CONTENTS[name])).toBe(0);
    }
    reads.stop();
  });

  it('hands over only the first bytes of a file asked for its header, after checking the whole', async () => {
    const { readVerifiedInBackground } = await import('../../src/core/index/readInBackground.js');
    const { dir, files } = folder(CONTENTS);
    const large = files.find(([name]) => name === 'large.f32')!;
    const reads = readVerifiedInBackground(dir, [[large[0], large[1], 96]]);
    expect(Buffer.compare(await reads.read('large.f32'), CONTENTS['large.f32'].subarray(0, 96))).toBe(0);
    reads.stop();
    // The checksum is still of the whole file: a change past the header is refused.
    const changed = Buffer.from(CONTENTS['large.f32']);
    changed.writeUInt8(changed.readUInt8(500_000) ^ 0xff, 500_000);
    fs.writeFileSync(path.join(dir, 'large.f32'), changed);
    await expect(readVerifiedInBackground(dir, [[large[0], large[1], 96]]).read('large.f32')).rejects.toThrow(/checksum mismatch/);
  });

  it('refuses a file changed after its checksum was recorded, and still delivers the others', async () => {
    const { readVerifiedInBackground } = await import('../../src/core/index/readInBackground.js');
    // The module instance the reader throws from (modules are reset between tests).
    const { IndexFault } = await import('../../src/core/index/verifyIndex.js');
    const { dir, files } = folder(CONTENTS);
    const changed = Buffer.from(CONTENTS['large.f32']);
    changed.writeUInt8(changed.readUInt8(1000) ^ 0xff, 1000); // same size: only the checksum can tell
    fs.writeFileSync(path.join(dir, 'large.f32'), changed);
    const reads = readVerifiedInBackground(dir, files);
    const refused = reads.read('large.f32');
    await expect(refused).rejects.toThrow(/large\.f32: .*checksum mismatch/);
    await expect(refused).rejects.toBeInstanceOf(IndexFault);
    expect((await reads.read('small.json')).toString()).toBe(CONTENTS['small.json'].toString());
    reads.stop();
  });

  it('fails at once, before reading, for a missing file or one of another size', async () => {
    const { readVerifiedInBackground } = await import('../../src/core/index/readInBackground.js');
    const { dir, files } = folder(CONTENTS);
    fs.appendFileSync(path.join(dir, 'small.json'), ' ');
    expect(() => readVerifiedInBackground(dir, files)).toThrow(/small\.json: is \d+ bytes, it was written with \d+/);
    fs.rmSync(path.join(dir, 'small.json'));
    expect(() => readVerifiedInBackground(dir, files)).toThrow(/small\.json: is missing/);
  });

  it('reads on the main thread, still verified, when no worker can start', async () => {
    vi.doMock('node:worker_threads', () => ({
      Worker: class {
        constructor() {
          throw new Error('ERR_WORKER_INIT_FAILED');
        }
      },
    }));
    const { readVerifiedInBackground } = await import('../../src/core/index/readInBackground.js');
    const { dir, files } = folder(CONTENTS);
    fs.writeFileSync(path.join(dir, 'small.json'), JSON.stringify({ hello: 'WORLD' }));
    const reads = readVerifiedInBackground(dir, files);
    expect(Buffer.compare(await reads.read('large.f32'), CONTENTS['large.f32'])).toBe(0);
    await expect(reads.read('small.json')).rejects.toThrow(/checksum mismatch/);
  });

  it.each(['exit', 'error'] as const)('reads what a worker left undelivered on the main thread when it ends with %s', async (event) => {
    // A worker that delivers the first file (marked, to tell who read it), then dies as one killed by the system would.
    vi.doMock('node:worker_threads', () => ({
      Worker: class extends EventEmitter {
        constructor() {
          super();
          setImmediate(() => {
            this.emit('message', { i: 0, bytes: Uint8Array.from(Buffer.from('from the worker')).buffer });
            this.emit(event, event === 'exit' ? 1 : new Error('worker crashed'));
          });
        }
        terminate() {
          return Promise.resolve(1);
        }
      },
    }));
    const { readVerifiedInBackground } = await import('../../src/core/index/readInBackground.js');
    const { dir, files } = folder(CONTENTS);
    const reads = readVerifiedInBackground(dir, files);
    expect((await reads.read('large.f32')).toString()).toBe('from the worker');
    for (const name of ['small.json', 'empty.json'] as const) expect(Buffer.compare(await reads.read(name), CONTENTS[name])).toBe(0);
  });

  it('reads each file on the main thread when asked for, verified, when told not to start a worker', async () => {
    const started = vi.fn();
    vi.doMock('node:worker_threads', () => ({ Worker: started }));
    const { readVerifiedInBackground } = await import('../../src/core/index/readInBackground.js');
    const { dir, files } = folder(CONTENTS);
    const reads = readVerifiedInBackground(dir, files, { worker: false });
    // Changed after the call: read when asked for, so the change is seen and refused.
    fs.writeFileSync(path.join(dir, 'small.json'), JSON.stringify({ hello: 'WORLD' }));
    await expect(reads.read('small.json')).rejects.toThrow(/small\.json: .*checksum mismatch/);
    expect(Buffer.compare(await reads.read('large.f32'), CONTENTS['large.f32'])).toBe(0);
    expect(started).not.toHaveBeenCalled();
  });

  it('hands each file over once', async () => {
    const { readVerifiedInBackground } = await import('../../src/core/index/readInBackground.js');
    const { dir, files } = folder(CONTENTS);
    const reads = readVerifiedInBackground(dir, files);
    await reads.read('large.f32');
    expect(() => reads.read('large.f32')).toThrow(/read already/);
    reads.stop();
  });

  it('refuses, rather than leaves waiting, a file not delivered when stopped', async () => {
    // A worker still busy: it delivers nothing until terminated.
    const terminated = vi.fn(() => Promise.resolve(1));
    vi.doMock('node:worker_threads', () => ({
      Worker: class extends EventEmitter {
        terminate = terminated;
      },
    }));
    const { readVerifiedInBackground } = await import('../../src/core/index/readInBackground.js');
    const { dir, files } = folder(CONTENTS);
    const reads = readVerifiedInBackground(dir, files);
    const waiting = reads.read('small.json');
    reads.stop();
    await expect(waiting).rejects.toThrow('reading small.json was stopped');
    expect(terminated).toHaveBeenCalledOnce();
  });
});
