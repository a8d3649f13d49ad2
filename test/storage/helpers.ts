/** Shared helpers for the storage tests: throw-away data folders and a settable clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openStorage, type Storage, type StorageOptions } from '../../src/storage/index.js';

const dirs: string[] = [];
const opened: Storage[] = [];

afterEach(() => {
  for (const storage of opened.splice(0)) storage.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'verbatim-storage-'));
  dirs.push(dir);
  return dir;
}

/** A clock the test moves by hand. Starts at 2025-03-10 12:00:00 UTC. */
export function fakeClock(start = Date.UTC(2025, 2, 10, 12, 0, 0)) {
  const clock = { time: start, now: () => clock.time, advance: (ms: number) => (clock.time += ms) };
  return clock;
}

/** Opens storage in `dir` (closed automatically after the test); no background purge. */
export function open(dir: string, options: StorageOptions = {}): Storage {
  const storage = openStorage(dir, { purgeIntervalMs: 0, ...options });
  opened.push(storage);
  return storage;
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
