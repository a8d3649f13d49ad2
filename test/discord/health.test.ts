/**
 * The liveness endpoint: its answers for each state, the server, the settings that turn it
 * on, and the bot process reporting ready on /healthz once it is logged in to the fake Discord.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadBotConfig } from '../../src/config.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { healthResponse, startHealthServer } from '../../src/discord/health.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('healthResponse', () => {
  it('is 200 only with the index loaded and the gateway ready', () => {
    expect(healthResponse({ indexLoaded: true, gatewayReady: true })).toEqual({ code: 200, body: { status: 'ok', index: 'loaded', gateway: 'ready' } });
    expect(healthResponse({ indexLoaded: false, gatewayReady: false })).toEqual({ code: 503, body: { status: 'starting', index: 'loading', gateway: 'not ready' } });
    expect(healthResponse({ indexLoaded: true, gatewayReady: false })).toEqual({ code: 503, body: { status: 'unavailable', index: 'loaded', gateway: 'not ready' } });
  });
});

describe('the health server', () => {
  it('answers GET /healthz from the live status, 404 elsewhere, on loopback', async () => {
    const status = { indexLoaded: false, gatewayReady: false };
    const server = await startHealthServer({ port: 0, host: '127.0.0.1', status: () => status });
    try {
      const get = (p: string) => fetch(`http://127.0.0.1:${server.port}${p}`);
      const starting = await get('/healthz');
      expect(starting.status).toBe(503);
      expect(await starting.json()).toMatchObject({ status: 'starting' });
      Object.assign(status, { indexLoaded: true, gatewayReady: true });
      const ok = await get('/healthz');
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ status: 'ok', index: 'loaded', gateway: 'ready' });
      expect((await get('/')).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('settings', () => {
  it('is off by default, on loopback when on, and checks the port and address', () => {
    const base = { DISCORD_TOKEN: 'x' };
    expect(loadBotConfig(base)).toMatchObject({ HEALTH_PORT: 0, HEALTH_HOST: '127.0.0.1' });
    expect(loadBotConfig({ ...base, HEALTH_PORT: '8080' }).HEALTH_PORT).toBe(8080);
    expect(() => loadBotConfig({ ...base, HEALTH_PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadBotConfig({ ...base, HEALTH_PORT: 'http' })).toThrow(/HEALTH_PORT/);
    expect(() => loadBotConfig({ ...base, HEALTH_HOST: 'localhost:80' })).toThrow(/HEALTH_HOST/);
  });
});

describe('the bot with HEALTH_PORT', () => {
  let discord: FakeDiscord | undefined;
  afterEach(async () => {
    await discord?.close();
    discord = undefined;
  });

  function runBot(env: Record<string, string>) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-health-'));
    return spawn(process.execPath, ['--import', 'tsx', 'src/discord/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), DOTENV_CONFIG_PATH: '/nonexistent', LOG_PRETTY: '0', DATA_DIR: path.join(root, 'data'), INDEX_DIR: path.join(root, 'index'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  it('reports ok on /healthz once logged in', async () => {
    discord = await startFakeDiscord({ token: 'health-token' });
    const port = await freePort();
    const bot = runBot({ DISCORD_TOKEN: 'health-token', DISCORD_API_URL: discord.apiUrl, HEALTH_PORT: String(port) });
    const exited = new Promise((resolve) => bot.on('close', resolve));
    try {
      await expect
        .poll(async () => {
          const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
          return response && { code: response.status, body: await response.json() };
        }, { timeout: 60_000, interval: 200 })
        .toEqual({ code: 200, body: { status: 'ok', index: 'loaded', gateway: 'ready' } });
    } finally {
      bot.kill('SIGTERM');
      await exited;
    }
  }, 90_000);

  it('a port already taken is a settings problem: one line, exit 78', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const bot = runBot({ DISCORD_TOKEN: 'x', DISCORD_API_URL: 'http://127.0.0.1:9/api', HEALTH_PORT: String(port) });
      let stderr = '';
      bot.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise((resolve) => bot.on('close', resolve));
      expect(code).toBe(78);
      expect(stderr).toBe(`error: cannot listen on HEALTH_HOST 127.0.0.1 port ${port} for /healthz (EADDRINUSE): choose another HEALTH_PORT, or unset it.\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);
});
