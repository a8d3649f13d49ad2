/**
 * Every test file, and every process a test starts, writes its temporary folders into one
 * folder for the run (TMPDIR, which os.tmpdir() reads), removed when the run ends: tests
 * make hundreds of folders (indexes, data directories, corpus copies), and a test that
 * fails, times out or is killed must not leave its own behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-test-run-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    fs.rmSync(folder, { recursive: true, force: true });
  };
}
