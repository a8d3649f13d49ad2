/**
 * One bot per data folder. Two bots on one token and one folder answer every question twice
 * and race on the database; a lock file in DATA_DIR, holding the owner's pid, makes the
 * second refuse with a clear message. A lock whose process is gone (killed, crashed) is stale
 * and taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeDirectory } from '../core/makeDirectory.js';
import { processAlive } from '../core/processAlive.js';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly file: string,
    readonly ownerPid: number,
  ) {
    super(`another Verbatim bot (pid ${ownerPid}) is already using this data folder (lock file ${file}): stop it first, or give this one its own DATA_DIR.`);
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

interface LockContents {
  pid: number;
  hostname: string;
}

/** Takes `<dir>/<name>`; throws DataDirLockedError while a live process holds it. */
export function lockDataDir(dir: string, name = 'verbatim.lock'): DataDirLock {
  makeDirectory(dir);
  const file = path.join(dir, name);
  const mine: LockContents = { pid: process.pid, hostname: os.hostname() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine) + '\n', { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        } catch {
          // Gone already.
        }
      };
      // A process that exits without stopping cleanly still leaves no lock behind.
      process.once('exit', release);
      return { file, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readLock(file);
    // Another machine's process cannot be checked from here: its lock is respected.
    if (owner && (owner.hostname !== mine.hostname || processAlive(owner.pid))) throw new DataDirLockedError(file, owner.pid);
    // Stale (its process is gone) or unreadable: remove it and try again; of two starting at once, one wins `wx`.
    fs.rmSync(file, { force: true });
  }
  throw new DataDirLockedError(file, readLock(file)?.pid ?? 0);
}

function readLock(file: string): LockContents | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockContents>;
    return Number.isInteger(data.pid) && typeof data.hostname === 'string' ? (data as LockContents) : undefined;
  } catch {
    return undefined;
  }
}
