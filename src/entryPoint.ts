/**
 * Whether a module is the file node was started with (`tsx src/cli/ask.ts`, `node dist/…`),
 * shared by every entry point so that none of them runs when merely imported (tests).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export function isEntryPoint(moduleUrl: string): boolean {
  const started = process.argv[1];
  if (!started) return false;
  // Compared as URLs: import.meta.url percent-encodes spaces and non-ASCII in the path, so a
  // checkout under "/home/me/My Bots/" is still recognised. Node loads modules by their real
  // path, so a script started through a symbolic link is resolved the same way.
  let file = path.resolve(started);
  try {
    file = fs.realpathSync(file);
  } catch {
    // Not a file on disk (started some other way): compare the path as given.
  }
  return moduleUrl === pathToFileURL(file).href;
}
