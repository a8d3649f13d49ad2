/**
 * The core engine knows nothing of its adapters: it must run the same under Discord, the
 * command line or anything else. This reads the imports of every core module.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/core/paths.js';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map((m) => m[1] ?? m[2]!);
}

describe('architecture', () => {
  const core = sourceFiles(path.join(PROJECT_ROOT, 'src', 'core'));

  it('finds the core modules', () => {
    expect(core.length).toBeGreaterThan(15);
  });

  it.each(core.map((f) => [path.relative(PROJECT_ROOT, f), f]))('%s imports no adapter, Discord or storage code', (_name, file) => {
    for (const spec of importsOf(file)) {
      expect(spec).not.toMatch(/^discord\.js|^@discordjs\/|^discord-api-types|better-sqlite3/);
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec);
        expect(path.relative(path.join(PROJECT_ROOT, 'src', 'core'), target).startsWith('..'), `${spec} leaves src/core`).toBe(false);
      }
    }
  });

  it('keeps storage free of discord.js', () => {
    for (const file of sourceFiles(path.join(PROJECT_ROOT, 'src', 'storage'))) {
      for (const spec of importsOf(file)) expect(spec).not.toMatch(/^discord\.js|^@discordjs\//);
    }
  });
});
