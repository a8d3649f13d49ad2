/**
 * The deployment kit in deploy/: each file starts the bot the way `npm start` does (so they
 * cannot drift apart), honours exit code 78, and the systemd unit passes systemd-analyze.
 * The container file is checked by reading it: no container engine runs here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/core/paths.js';
import { EXIT } from '../src/exitCodes.js';

const deploy = (file: string) => path.join(PROJECT_ROOT, 'deploy', file);
/** `npm start`'s command line: node, its flags, the compiled entry. */
const START = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ');

function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

describe('deploy/verbatim.service (systemd)', () => {
  const unit = fs.readFileSync(deploy('verbatim.service'), 'utf8');
  const values = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!);

  it('runs the compiled bot as npm start does, with the state directory as DATA_DIR', () => {
    const [binary, ...args] = values('ExecStart')[0]!.split(' ');
    expect(path.basename(binary!)).toBe('node');
    expect(args).toEqual(START.slice(1));
    expect(values('StateDirectory')).toEqual(['verbatim']);
    expect(values('Environment').join(' ')).toContain('DATA_DIR=/var/lib/verbatim');
    expect(values('EnvironmentFile')).toEqual(['/etc/verbatim.env']);
  });

  it('does not restart on the settings exit code, and is hardened', () => {
    expect(values('RestartPreventExitStatus')).toEqual([String(EXIT.config)]);
    expect(values('Restart')).toEqual(['on-failure']);
    for (const [key, value] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['ProtectHome', 'yes'], ['PrivateTmp', 'yes'], ['CapabilityBoundingSet', '']]) {
      expect(values(key!), key).toEqual([value]);
    }
    expect(values('User')).toEqual(['verbatim']);
  });

  it.skipIf(!hasTool('systemd-analyze'))('passes systemd-analyze verify without a warning (skipped only where systemd-analyze is not installed)', () => {
    const result = spawnSync('systemd-analyze', ['verify', deploy('verbatim.service')], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('deploy/Containerfile', () => {
  const file = fs.readFileSync(deploy('Containerfile'), 'utf8');
  const instructions = file.split('\n').filter((l) => /^[A-Z]+ /.test(l));

  it('builds in one stage, runs in another, as a user that is not root', () => {
    expect(instructions.filter((l) => l.startsWith('FROM '))).toHaveLength(2);
    expect(file).toMatch(/^FROM .* AS build$/m);
    const user = instructions.filter((l) => l.startsWith('USER ')).pop();
    expect(user).toBe('USER node');
  });

  it('compiles, builds the index at image build time, and starts as npm start does', () => {
    const runs = instructions.filter((l) => l.startsWith('RUN ')).join('\n');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm run build');
    expect(runs).toContain('npm run index');
    const cmd = JSON.parse(instructions.find((l) => l.startsWith('CMD '))!.slice(4)) as string[];
    expect(cmd).toEqual(START);
  });

  it('is built from a context without secrets, local data or the optional 301 MB model', () => {
    const ignored = fs.readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.env', '.env.*', 'data/', 'node_modules/', 'models/all-mpnet-base-v2/']));
    // What the image copies from the context stays in it.
    for (const copied of ['src', 'scripts', 'models', 'corpus', 'package.json']) expect(ignored.some((l) => l.replace(/\/$/, '') === copied)).toBe(false);
  });

  it('has a health check on /healthz, with HEALTH_PORT set', () => {
    expect(file).toMatch(/^HEALTHCHECK .*\\\n\s+CMD .*\/healthz/m);
    expect(file).toMatch(/HEALTH_PORT=8080/);
  });
});

describe('deploy/ecosystem.config.cjs (pm2)', () => {
  const config = createRequire(import.meta.url)(deploy('ecosystem.config.cjs')) as { apps: Array<Record<string, unknown>> };
  const app = config.apps[0]!;

  it('starts the compiled bot as npm start does, from the project folder', () => {
    expect([...(app.node_args as string[]), app.script]).toEqual(START.slice(1));
    expect(app.cwd).toBe(PROJECT_ROOT);
  });

  it('does not restart on the settings exit code', () => {
    expect(app.stop_exit_codes).toEqual([EXIT.config]);
  });

  it('is a valid pm2 file as far as node can tell', () => {
    expect(() => execFileSync(process.execPath, ['-e', `require(${JSON.stringify(deploy('ecosystem.config.cjs'))})`])).not.toThrow();
  });
});
