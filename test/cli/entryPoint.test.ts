/**
 * Commands start from any checkout path: one with a space (import.meta.url percent-encodes
 * it) and one reached through a symbolic link (node loads modules by their real path).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** A checkout at `dir`: the sources copied, the rest linked. */
function checkoutAt(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(PROJECT_ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json']) fs.copyFileSync(path.join(PROJECT_ROOT, f), path.join(dir, f));
  for (const f of ['node_modules', 'models', 'corpus']) fs.symlinkSync(path.join(PROJECT_ROOT, f), path.join(dir, f));
}

describe('entry points', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-entry-'));
  const spaced = path.join(root, 'My Study Bots', 'verbatim');
  checkoutAt(spaced);
  const linked = path.join(root, 'linked');
  fs.symlinkSync(spaced, linked);

  it.each(['ask', 'summary', 'quiz', 'chat', 'buildIndex'])('%s answers --help from a path with a space and through a link', (command) => {
    for (const dir of [spaced, linked]) {
      const out = execFileSync(TSX, [path.join(dir, 'src', 'cli', `${command}.ts`), '--help'], { cwd: dir, encoding: 'utf8' });
      expect(out).toMatch(/^Usage: npm run /m);
    }
  });
});
