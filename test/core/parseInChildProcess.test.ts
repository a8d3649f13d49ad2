/**
 * Parsing in a child process gives the same documents as parsing in-process. The child
 * needs the TypeScript loader the commands run under, so this runs a small script under
 * tsx, as `npm run index` would.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';

describe('parseCorpusIsolated', () => {
  it('parses in a child process under tsx, with the same result as in-process', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-child-parse-'));
    const script = path.join(dir, 'run.mts');
    const src = (file: string) => JSON.stringify(path.join(PROJECT_ROOT, 'src', 'core', 'ingest', file));
    fs.writeFileSync(
      script,
      `import { readCorpus } from ${src('readCorpus.ts')};
import { parseCorpus } from ${src('loadCorpus.ts')};
import { parseCorpusIsolated } from ${src('parseInChildProcess.ts')};
const lines: string[] = [];
const logger = { debug() {}, warn(_f: object, m?: string) { lines.push('warn: ' + m); }, error() {}, info(_f: object, m?: string) { lines.push(m ?? ''); } };
const { files } = await readCorpus(${JSON.stringify(path.join(PROJECT_ROOT, 'test', 'fixtures', 'eval'))});
const isolated = await parseCorpusIsolated(files, logger, 0);
const local = parseCorpus(files);
console.log(JSON.stringify({ lines, same: JSON.stringify(isolated) === JSON.stringify(local), documents: isolated.documents.length }));
`,
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.lines).toContain('parsed the corpus in a child process');
    expect(result.same).toBe(true);
    expect(result.documents).toBeGreaterThan(0);
  });
});
