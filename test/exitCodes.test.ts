/** The README's exit-code table is the one users read: it must list exactly the codes in src/exitCodes.ts. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/core/paths.js';
import { EXIT } from '../src/exitCodes.js';
import { STORAGE_EXIT_CODE } from '../src/storage/index.js';

describe('exit codes', () => {
  it('the README lists every exit code and no other', () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Exit codes'));
    const table = section.slice(0, section.search(/\n#/));
    const listed = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(listed).toEqual(Object.values(EXIT));
  });

  it('storage failures use the settings code, so supervisors do not restart on them', () => {
    expect(STORAGE_EXIT_CODE).toBe(EXIT.config);
  });
});
