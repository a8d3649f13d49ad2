/**
 * `mkdir -p` that always ends. Node's recursive mkdirSync never returns for a path under a
 * pseudo file system that refuses new entries with ENOENT (`DATA_DIR=/proc/verbatim-data`
 * spun at 100% CPU with no output); this creates one level at a time and throws instead.
 */
import fs from 'node:fs';
import path from 'node:path';

export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    try {
      if (!fs.statSync(at).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: 'ENOTDIR', path: at });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const level of missing.reverse()) {
    try {
      fs.mkdirSync(level);
    } catch (error) {
      // Created meanwhile by another process: fine. Anything else (ENOENT on /proc, EACCES): the caller says which folder.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
