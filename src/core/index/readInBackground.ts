/**
 * Reading and checksumming an index's files on a worker thread.
 *
 * A large corpus's index is hundreds of megabytes (the Node.js API docs: 236 MB, most of it
 * sentence vectors). Read and hashed on the main thread, that was about 0.3 s of a 2.4 s cold
 * start during which nothing else could run. The worker checks each file's size and sha256
 * and only then hands its bytes over (transferred, not copied), in the order given, which is
 * the order they are parsed in: the main thread parses one file while the worker verifies the
 * next, and still never parses a byte that was not verified.
 *
 * The worker is a few lines of plain JavaScript, evaluated rather than loaded from a file, so
 * that it runs the same under tsx, from dist/ and inside the test runner, without a
 * TypeScript loader of its own. Should it fail to start or die, the files it had not
 * delivered are read on the main thread as before.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { IndexFault, readVerified, statInside, type FileChecksum } from './verifyIndex.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
workerData.forEach(({ file, size, sha256, keep }, i) => {
  try {
    const bytes = fs.readFileSync(file);
    if (bytes.byteLength !== size || createHash('sha256').update(bytes).digest('hex') !== sha256) return parentPort.postMessage({ i, mismatch: true });
    // Small files share Node's buffer pool, which cannot be transferred: those are copied, as is
    // the part kept of a file whose whole is not needed.
    const end = bytes.byteOffset + Math.min(keep ?? Infinity, bytes.byteLength);
    const own = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && keep === undefined ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, end);
    parentPort.postMessage({ i, bytes: own }, [own]);
  } catch (error) {
    parentPort.postMessage({ i, code: error.code ?? String(error) });
  }
});
`;

type Reply = { i: number; bytes?: ArrayBuffer; mismatch?: true; code?: string };

export interface BackgroundReads {
  /**
   * A file's verified bytes; rejects with an IndexFault like `readVerified`. Each file is
   * handed over once and then forgotten here, so its bytes go as soon as the caller is done.
   */
  read(name: string): Promise<Buffer>;
  /** Stops the worker (the caller gave up, or found the index stale); files not read yet are refused. */
  stop(): void;
}

/** A file to verify: its name, what the manifest recorded, and how many of its first bytes to hand over (all by default). */
export type FileToRead = [name: string, expected: FileChecksum, keep?: number];

/**
 * Starts verifying `files`, in this order, off the main thread. Each file is first checked to
 * be a regular file inside `dir` of the recorded size, here and at once, so a missing or
 * swapped file fails before any reading starts. `keep`: a file read by other means once
 * verified (the vector index, which hnswlib reads itself) needs only its header here.
 * `worker: false`: read each file on the main thread when asked for (a small index, for which
 * starting a worker costs more than it saves).
 */
export function readVerifiedInBackground(dir: string, files: readonly FileToRead[], options: { worker?: boolean } = {}): BackgroundReads {
  for (const [name, expected] of files) {
    const info = statInside(dir, name);
    if (info.size !== expected.size) throw new IndexFault(`is ${info.size} bytes, it was written with ${expected.size}`, name);
  }
  const pending = files.map(([name, expected, keep]) => {
    let outcome!: { resolve: (b: Buffer) => void; reject: (e: unknown) => void };
    const promise = new Promise<Buffer>((resolve, reject) => (outcome = { resolve, reject }));
    // A file nobody waits for any more (an earlier one failed) must not be an unhandled rejection.
    promise.catch(() => undefined);
    return { name, expected, keep, promise: promise as Promise<Buffer> | undefined, outcome, settled: false };
  });
  const deliver = (i: number, bytes: () => Buffer) => {
    const p = pending[i]!;
    if (p.settled) return;
    p.settled = true;
    try {
      p.outcome.resolve(bytes());
    } catch (error) {
      p.outcome.reject(error);
    }
  };
  // What the worker did not deliver is read here, the slow way, rather than not at all.
  const readRestHere = () => pending.forEach((p, i) => deliver(i, () => readVerified(dir, p.name, p.expected).subarray(0, p.keep)));

  let worker: Worker | undefined;
  if (options.worker !== false) {
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        // Not the parent's flags: a TypeScript loader would cost the worker its start-up for nothing.
        execArgv: [],
        workerData: files.map(([name, expected, keep]) => ({ file: path.join(dir, name), size: expected.size, sha256: expected.sha256, keep })),
      });
    } catch {
      readRestHere();
    }
  }
  worker?.on('message', ({ i, bytes, mismatch, code }: Reply) =>
    deliver(i, () => {
      const name = pending[i]!.name;
      if (mismatch) throw new IndexFault('its contents changed since it was built (checksum mismatch)', name);
      if (!bytes) throw new IndexFault(`is unreadable (${code})`, name);
      return Buffer.from(bytes);
    }),
  );
  worker?.on('error', readRestHere);
  worker?.on('exit', readRestHere);

  return {
    read(name) {
      const i = pending.findIndex((f) => f.name === name);
      const p = pending[i];
      if (!p?.promise) throw new Error(`${name} was not given to readVerifiedInBackground, or was read already`);
      // Without a worker, each file is read here when it is asked for.
      if (!worker) deliver(i, () => readVerified(dir, p.name, p.expected).subarray(0, p.keep));
      const { promise } = p;
      p.promise = undefined;
      return promise;
    },
    stop() {
      // Settled first, so that the exit which follows does not read them here.
      pending.forEach((p, i) => deliver(i, () => {
        throw new Error(`reading ${p.name} was stopped`);
      }));
      void worker?.terminate();
    },
  };
}
