/**
 * `npm run build`: compiles src/ to dist/ (tsconfig.build.json) from a clean folder, so no
 * file of a deleted source lingers, then stamps the build with a hash of its sources.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { PROJECT_ROOT, writeStamp } from './buildStamp.mjs';

if (process.argv.length > 2) {
  const help = process.argv.includes('--help') || process.argv.includes('-h');
  (help ? process.stdout : process.stderr).write(`${help ? '' : `error: unexpected argument '${process.argv[2]}'\n\n`}Usage: npm run build\n\nCompiles src/ to dist/, which \`npm start\` runs.\n`);
  process.exit(help ? 0 : 2);
}

fs.rmSync(path.join(PROJECT_ROOT, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(PROJECT_ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) {
  process.stderr.write('error: the TypeScript compiler failed (see above); dist/ is incomplete.\n');
  process.exit(1);
}
const stamp = writeStamp();
process.stdout.write(`Built dist/ from the sources (${stamp.sourcesHash.slice(0, 12)}); \`npm start\` runs it.\n`);
