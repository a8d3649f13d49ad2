/**
 * Whether dist/ was compiled from the sources as they are now. Plain JavaScript, because it
 * must run before (or without) any build: `npm run build` writes the stamp, and `npm start`
 * loads requireFreshBuild.mjs, which refuses to start a missing or stale build.
 *
 * The stamp holds a hash of the sources' contents rather than relying on modification
 * times, which `git checkout`, `cp -p` or an unpacked archive can set to anything.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const STAMP_FILE = 'build-stamp.json';
/** What the compiled output depends on, besides every file under src/. */
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json'];

function listFiles(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/** A hash of every source file's path and contents. */
export function sourcesHash(root = PROJECT_ROOT) {
  const hash = createHash('sha256');
  const files = [...listFiles(path.join(root, 'src')), ...CONFIG_FILES.map((f) => path.join(root, f)).filter((f) => fs.existsSync(f))];
  for (const file of files) {
    hash.update(path.relative(root, file).split(path.sep).join('/'));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function writeStamp(root = PROJECT_ROOT) {
  const stamp = { sourcesHash: sourcesHash(root), builtAt: new Date().toISOString() };
  fs.writeFileSync(path.join(root, 'dist', STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
  return stamp;
}

/** Undefined when dist/ matches the sources, otherwise what is wrong and what to run. */
export function buildProblem(root = PROJECT_ROOT) {
  const stampPath = path.join(root, 'dist', STAMP_FILE);
  if (!fs.existsSync(stampPath)) {
    return 'there is no compiled build in dist/: run `npm run build` first (or `npm run dev` to run the sources with tsx).';
  }
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampPath, 'utf8'));
  } catch {
    return `dist/${STAMP_FILE} is unreadable: run \`npm run build\` again.`;
  }
  if (stamp.sourcesHash !== sourcesHash(root)) {
    return `the build in dist/ (from ${stamp.builtAt}) is older than the sources in src/: run \`npm run build\` again, so the bot does not run old code.`;
  }
  return undefined;
}
