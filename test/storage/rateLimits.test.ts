import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { decideRateLimit, utcDayStart } from '../../src/storage/index.js';
import { DAY, HOUR, SECOND, fakeClock, open, tempDir } from './helpers.js';

const NOON = Date.UTC(2025, 2, 10, 12, 0, 0);

describe('decideRateLimit', () => {
  const base = { now: NOON, lastAskedAt: null, askedToday: 0, cooldownSeconds: 10, dailyCap: 5 };

  it('allows a member who never asked', () => {
    expect(decideRateLimit(base)).toEqual({ allowed: true });
  });

  it('counts the cooldown from the last question, rounding the wait up to whole seconds', () => {
    expect(decideRateLimit({ ...base, lastAskedAt: NOON - 2500 })).toEqual({
      allowed: false,
      reason: 'cooldown',
      retryAfterSeconds: 8,
    });
    expect(decideRateLimit({ ...base, lastAskedAt: NOON - 9999 })).toEqual({
      allowed: false,
      reason: 'cooldown',
      retryAfterSeconds: 1,
    });
    expect(decideRateLimit({ ...base, lastAskedAt: NOON - 10 * SECOND })).toEqual({ allowed: true });
    expect(decideRateLimit({ ...base, lastAskedAt: NOON, cooldownSeconds: 0 })).toEqual({ allowed: true });
  });

  it('stops at the daily cap until 00:00 UTC, which wins over the cooldown', () => {
    expect(decideRateLimit({ ...base, askedToday: 5, lastAskedAt: NOON - SECOND })).toEqual({
      allowed: false,
      reason: 'daily-cap',
      retryAfterSeconds: 12 * 60 * 60,
    });
    expect(decideRateLimit({ ...base, askedToday: 4 })).toEqual({ allowed: true });
    expect(decideRateLimit({ ...base, askedToday: 10_000, dailyCap: null })).toEqual({ allowed: true });
  });

  it('uses UTC days', () => {
    expect(utcDayStart(NOON)).toBe(Date.UTC(2025, 2, 10));
    expect(utcDayStart(Date.UTC(2025, 2, 10))).toBe(Date.UTC(2025, 2, 10));
    expect(utcDayStart(Date.UTC(2025, 2, 10) - 1)).toBe(Date.UTC(2025, 2, 9));
  });
});

describe('Storage.checkRateLimit', () => {
  const ask = (userId = 'u1', guildId = 'g1') => ({
    guildId,
    channelId: 'c1',
    userId,
    question: 'What is the quorum?',
    answered: true,
    citedSections: ['2 Meetings'],
    latencyMs: 40,
  });

  it('applies the cooldown from recorded questions, also after a restart', () => {
    const dir = tempDir();
    const clock = fakeClock(NOON);
    const storage = open(dir, { now: clock.now });
    expect(storage.checkRateLimit('g1', 'u1')).toEqual({ allowed: true });
    storage.recordQuestion(ask());
    clock.advance(3 * SECOND);
    expect(storage.checkRateLimit('g1', 'u1')).toEqual({ allowed: false, reason: 'cooldown', retryAfterSeconds: 7 });
    // Other members and other servers are not affected.
    expect(storage.checkRateLimit('g1', 'u2')).toEqual({ allowed: true });
    expect(storage.checkRateLimit('g2', 'u1')).toEqual({ allowed: true });
    storage.close();

    const reopened = open(dir, { now: clock.now });
    expect(reopened.checkRateLimit('g1', 'u1')).toEqual({ allowed: false, reason: 'cooldown', retryAfterSeconds: 7 });
    clock.advance(7 * SECOND);
    expect(reopened.checkRateLimit('g1', 'u1')).toEqual({ allowed: true });
  });

  it("applies the server's daily cap until midnight UTC, also after a restart", () => {
    const dir = tempDir();
    const clock = fakeClock(Date.UTC(2025, 2, 10, 23, 0, 0));
    const storage = open(dir, { now: clock.now });
    storage.updateSettings('g1', { dailyCap: 3, cooldownSeconds: 0 });
    // A question from yesterday does not count towards today.
    storage.recordQuestion({ ...ask(), askedAt: clock.time - DAY });
    for (let i = 0; i < 3; i++) {
      expect(storage.checkRateLimit('g1', 'u1')).toEqual({ allowed: true });
      storage.recordQuestion(ask());
      clock.advance(SECOND);
    }
    expect(storage.checkRateLimit('g1', 'u1')).toEqual({
      allowed: false,
      reason: 'daily-cap',
      retryAfterSeconds: HOUR / SECOND - 3,
    });
    storage.close();

    const reopened = open(dir, { now: clock.now });
    expect(reopened.checkRateLimit('g1', 'u1')).toMatchObject({ allowed: false, reason: 'daily-cap' });
    clock.time = Date.UTC(2025, 2, 11, 0, 0, 0);
    expect(reopened.checkRateLimit('g1', 'u1')).toEqual({ allowed: true });
  });

  it('keeps the limits through /forget-me, and forgets when people asked once no limit needs it', () => {
    const clock = fakeClock(NOON);
    const storage = open(tempDir(), { now: clock.now });
    storage.updateSettings('g1', { dailyCap: 2, cooldownSeconds: 60 });
    storage.recordQuestion(ask());
    clock.advance(2 * 60 * SECOND);
    storage.recordQuestion(ask());
    expect(storage.forgetMember('g1', 'u1').questions).toBe(2);
    // The questions are gone, yet erasing them is no way round the cooldown or the cap.
    expect(storage.buildReport('g1').total).toBe(0);
    expect(storage.checkRateLimit('g1', 'u1')).toMatchObject({ allowed: false, reason: 'daily-cap' });

    const whenAsked = () => {
      const db = new Database(storage.file, { readonly: true });
      const n = db.prepare<[], number>('SELECT count(*) FROM asks').pluck().get();
      db.close();
      return n;
    };
    expect(whenAsked()).toBe(2);
    clock.advance(DAY);
    storage.purgeExpired();
    expect(whenAsked()).toBe(2);
    clock.advance(DAY + 2 * 60 * SECOND);
    storage.purgeExpired();
    expect(whenAsked()).toBe(0);
  });

  it('counts refused questions too, and a cooldown that crosses midnight', () => {
    const clock = fakeClock(Date.UTC(2025, 2, 10, 23, 59, 58));
    const storage = open(tempDir(), { now: clock.now });
    storage.recordQuestion({ ...ask(), answered: false, citedSections: [] });
    clock.advance(4 * SECOND); // 00:00:02 the next day
    expect(storage.checkRateLimit('g1', 'u1')).toEqual({ allowed: false, reason: 'cooldown', retryAfterSeconds: 6 });
  });
});
