/**
 * `npm run build` and the compiled start: a missing or stale dist/ is refused with one line,
 * and the compiled bot really runs (built in a copy of the project, so the working tree's
 * dist/ is not touched while other tests run).
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProblem, writeStamp } from '../scripts/buildStamp.mjs';
import { PROJECT_ROOT } from '../src/core/paths.js';
import { startFakeDiscord } from './fake-discord/index.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-build-'));
  temps.push(dir);
  return dir;
}

describe('the build stamp', () => {
  it('says when dist/ is missing, matches the sources, or is older than them', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'src', 'core'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'core', 'a.ts'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(root, 'tsconfig.json'), '{}');
    expect(buildProblem(root)).toMatch(/^there is no compiled build in dist\/: run `npm run build`/);

    fs.mkdirSync(path.join(root, 'dist'));
    writeStamp(root);
    expect(buildProblem(root)).toBeUndefined();

    fs.writeFileSync(path.join(root, 'src', 'core', 'a.ts'), 'export const a = 2;\n');
    expect(buildProblem(root)).toMatch(/^the build in dist\/ \(from .+\) is older than the sources in src\/: run `npm run build` again/);
    writeStamp(root);
    // A new file counts, whatever its modification time; so does a compiler setting.
    fs.writeFileSync(path.join(root, 'src', 'b.ts'), '');
    fs.utimesSync(path.join(root, 'src', 'b.ts'), new Date(0), new Date(0));
    expect(buildProblem(root)).toMatch(/older than the sources/);
    writeStamp(root);
    fs.writeFileSync(path.join(root, 'tsconfig.json'), '{"compilerOptions":{}}');
    expect(buildProblem(root)).toMatch(/older than the sources/);

    fs.writeFileSync(path.join(root, 'dist', 'build-stamp.json'), 'not json');
    expect(buildProblem(root)).toMatch(/unreadable: run `npm run build` again/);
  });
});

/** A copy of the project to build in: sources copied, the large folders linked. */
function projectCopy(): string {
  const root = tempDir();
  for (const item of ['src', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) fs.cpSync(path.join(PROJECT_ROOT, item), path.join(root, item), { recursive: true });
  for (const item of ['node_modules', 'corpus', 'models']) fs.symlinkSync(path.join(PROJECT_ROOT, item), path.join(root, item));
  return root;
}

/** Runs an npm script of the copy; asynchronously, since the fake Discord lives in this process. */
function run(root: string, args: string[], env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), DOTENV_CONFIG_PATH: '/nonexistent', LOG_PRETTY: '0', ...env } }, (error, stdout, stderr) =>
      resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm start (compiled)', () => {
  it('refuses without a build, builds, runs the compiled bot against Discord, and refuses again once a source changes', async () => {
    const root = projectCopy();
    const missing = await run(root, ['start']);
    expect(missing.status).toBe(78);
    expect(missing.stderr).toBe('error: there is no compiled build in dist/: run `npm run build` first (or `npm run dev` to run the sources with tsx).\n');

    const build = await run(root, ['build']);
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    expect(fs.existsSync(path.join(root, 'dist', 'discord', 'main.js'))).toBe(true);

    const discord = await startFakeDiscord({ token: 'build-token' });
    try {
      const env = { DISCORD_TOKEN: 'build-token', DISCORD_API_URL: discord.apiUrl, DISCORD_GUILD_ID: discord.guild.id, DATA_DIR: path.join(root, 'data'), INDEX_DIR: path.join(root, 'index') };
      const deployed = await run(root, ['deploy-commands'], env);
      expect(deployed.stderr).toBe('');
      expect(deployed.status).toBe(0);
      // The compiled bot, started with package.json's own command line, without npm in
      // between so that SIGTERM reaches it (as under systemd or a container).
      const [command, ...args] = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ');
      expect(command).toBe('node');
      const bot = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), DOTENV_CONFIG_PATH: '/nonexistent', LOG_PRETTY: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      bot.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => bot.on('close', resolve));
      try {
        await discord.waitForIdentify({ timeoutMs: 60_000 });
        await expect.poll(() => stdout.includes('"event":"ready"'), { timeout: 30_000 }).toBe(true);
        const reply = await discord.sendSlashCommand({ name: 'ask', options: { question: 'Why did Russia recognize the Taliban?' } }).finalMessage({ timeoutMs: 10_000 });
        expect(reply.embeds[0]?.description).toMatch(/Russia/);
      } finally {
        bot.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    } finally {
      await discord.close();
    }

    fs.appendFileSync(path.join(root, 'src', 'logger.ts'), '\n// an edit after the build\n');
    const stale = await run(root, ['start']);
    expect(stale.status).toBe(78);
    expect(stale.stderr).toMatch(/^error: the build in dist\/ \(from .+\) is older than the sources in src\/: run `npm run build` again/);
  }, 240_000);
});
