import Database from 'better-sqlite3';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_GUILD_SETTINGS, InvalidSettingsError } from '../../src/storage/index.js';
import type { Logger } from '../../src/core/types.js';
import { open, tempDir } from './helpers.js';

describe('guild settings', () => {
  it('starts from the documented defaults', () => {
    const storage = open(tempDir());
    expect(storage.getSettings('g1')).toEqual({
      answerChannels: [],
      moderatorRoleId: null,
      cooldownSeconds: 10,
      dailyCap: 50,
      visibility: 'public',
      maxQuestionLength: 500,
      quizDurationSeconds: 60,
      retentionDays: 30,
      sharedCorpus: true,
      channelDocuments: {},
      answerInThreads: false,
    });
    expect(storage.getSettings('g1')).toEqual(DEFAULT_GUILD_SETTINGS);
  });

  it('applies a partial update, keeps the other defaults, and survives close and reopen', () => {
    const dir = tempDir();
    const first = open(dir);
    const updated = first.updateSettings('g1', { cooldownSeconds: 30, answerChannels: ['c1', 'c2', 'c1'] });
    expect(updated).toEqual({ ...DEFAULT_GUILD_SETTINGS, cooldownSeconds: 30, answerChannels: ['c1', 'c2'] });
    first.updateSettings('g1', { visibility: 'private', dailyCap: null, moderatorRoleId: 'r9' });
    first.close();

    const second = open(dir);
    expect(second.getSettings('g1')).toEqual({
      ...DEFAULT_GUILD_SETTINGS,
      answerChannels: ['c1', 'c2'],
      cooldownSeconds: 30,
      visibility: 'private',
      dailyCap: null,
      moderatorRoleId: 'r9',
    });
    expect(second.getSettings('g2')).toEqual(DEFAULT_GUILD_SETTINGS);
  });

  it('rejects out-of-range and unknown values, listing each, and writes nothing', () => {
    const storage = open(tempDir());
    let error: unknown;
    try {
      storage.updateSettings('g1', {
        cooldownSeconds: -1,
        visibility: 'loud',
        retentionDays: 0,
        colour: 'red',
      } as never);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidSettingsError);
    const issues = (error as InvalidSettingsError).issues.join('\n');
    expect(issues).toMatch(/cooldownSeconds/);
    expect(issues).toMatch(/visibility/);
    expect(issues).toMatch(/retentionDays/);
    expect(issues).toMatch(/colour/);
    expect(storage.getSettings('g1')).toEqual(DEFAULT_GUILD_SETTINGS);
    // No longer than the engine accepts.
    expect(() => storage.updateSettings('g1', { maxQuestionLength: 2001 })).toThrow(InvalidSettingsError);
    expect(storage.updateSettings('g1', { maxQuestionLength: 2000 }).maxQuestionLength).toBe(2000);
    expect(() => storage.updateSettings('g1', { quizDurationSeconds: 1.5 })).toThrow(InvalidSettingsError);
  });

  it('treats a key given as undefined as not given', () => {
    const storage = open(tempDir());
    storage.updateSettings('g1', { cooldownSeconds: 42 });
    expect(storage.updateSettings('g1', { cooldownSeconds: undefined, visibility: 'private' })).toEqual({
      ...DEFAULT_GUILD_SETTINGS,
      cooldownSeconds: 42,
      visibility: 'private',
    });
  });

  it('resets chosen settings, or all of them, to the defaults', () => {
    const storage = open(tempDir());
    storage.updateSettings('g1', { cooldownSeconds: 0, retentionDays: 7, visibility: 'private' });
    expect(storage.resetSettings('g1', ['cooldownSeconds'])).toEqual({
      ...DEFAULT_GUILD_SETTINGS,
      retentionDays: 7,
      visibility: 'private',
    });
    expect(storage.resetSettings('g1')).toEqual(DEFAULT_GUILD_SETTINGS);
  });

  it('never hands out the shared default array', () => {
    const storage = open(tempDir());
    storage.getSettings('g1').answerChannels.push('c1');
    expect(storage.getSettings('g1').answerChannels).toEqual([]);
    expect(DEFAULT_GUILD_SETTINGS.answerChannels).toEqual([]);
  });

  it('falls back to the default for a stored value this build no longer accepts, and logs it', () => {
    const dir = tempDir();
    const first = open(dir);
    first.updateSettings('g1', { cooldownSeconds: 20 });
    const file = first.file;
    first.close();
    const raw = new Database(file);
    raw.prepare('UPDATE guild_settings SET overrides = ?').run(JSON.stringify({ cooldownSeconds: 20, dailyCap: -5 }));
    raw.close();

    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() } satisfies Logger;
    const second = open(dir, { logger });
    expect(second.getSettings('g1')).toEqual({ ...DEFAULT_GUILD_SETTINGS, cooldownSeconds: 20 });
    expect(logger.warn).toHaveBeenCalledWith({ guildId: 'g1', key: 'dailyCap' }, expect.any(String));
  });

  it('accepts a pino logger', () => {
    const logger: Logger = pino({ enabled: false });
    expect(() => open(tempDir(), { logger }).getSettings('g1')).not.toThrow();
  });
});
