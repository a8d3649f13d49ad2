/**
 * Every npm script a user runs answers `--help` with its usage (exit 0) and a wrong flag with
 * one `error:` line and the usage (exit 2): never a stack trace. Runs the scripts as a user
 * does, through npm.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/core/paths.js';

/** Scripts that are tools, not commands: the compiler and the test runner. */
const NOT_COMMANDS = new Set(['test', 'typecheck', 'build', 'dev']);
const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts).filter((s) => !NOT_COMMANDS.has(s));

function npmRun(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // No token and no .env: a command that ignored --help would fail on settings instead.
    const env = { ...process.env, DISCORD_TOKEN: '', DOTENV_CONFIG_PATH: '/nonexistent' };
    execFile('npm', ['run', '--silent', script, '--', ...args], { cwd: PROJECT_ROOT, env, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const STACK_TRACE = /^\s+at .+[:(]/m;

describe('npm scripts', () => {
  it('finds the commands', () => {
    expect(scripts).toEqual(expect.arrayContaining(['ask', 'chat', 'summary', 'quiz', 'index', 'start', 'start:sharded', 'deploy-commands', 'eval', 'bench', 'bench:discord']));
  });

  describe.each(scripts)('npm run %s', (script) => {
    it('--help prints the usage and exits 0', async () => {
      const { code, stdout, stderr } = await npmRun(script, ['--help']);
      expect(stdout).toMatch(/^Usage: npm (run |)/);
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }, 120_000);

    it('a wrong flag prints one error line and the usage, and exits 2', async () => {
      const { code, stdout, stderr } = await npmRun(script, ['--no-such-flag']);
      expect(stderr).toMatch(/^error: Unknown option '--no-such-flag'/);
      expect(stderr).toContain('Usage: npm');
      expect(stderr).not.toMatch(STACK_TRACE);
      expect(stdout).toBe('');
      expect(code).toBe(2);
    }, 120_000);
  });
});
