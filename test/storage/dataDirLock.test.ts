/** One bot per data folder (src/storage/dataDirLock.ts). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../src/storage/dataDirLock.js';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-lock-'));

describe('the data folder lock', () => {
  it('refuses a second holder while the first lives, and is free once released', () => {
    const dir = path.join(tempDir(), 'data');
    const first = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`pid ${process.pid}`));
    first.release();
    expect(fs.existsSync(first.file)).toBe(false);
    lockDataDir(dir).release();
  });

  it('takes over a stale lock, whose process is gone', () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(dir, 'verbatim.lock'), JSON.stringify({ pid: Number(dead.stdout), hostname: os.hostname() }));
    const lock = lockDataDir(dir);
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over an unreadable lock file, and keeps one per shard apart', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'verbatim.lock'), 'garbage');
    const main = lockDataDir(dir);
    const shard = lockDataDir(dir, 'verbatim-shard-1.lock');
    main.release();
    shard.release();
  });
});
