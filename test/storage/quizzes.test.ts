import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Passage } from '../../src/core/types.js';
import { DATABASE_FILE_NAME, DEFAULT_GUILD_SETTINGS, InvalidSettingsError, MIGRATIONS, SCHEMA_VERSION, type NewQuiz } from '../../src/storage/index.js';
import { DAY, MINUTE, SECOND, fakeClock, open, tempDir } from './helpers.js';

const passage: Passage = {
  quote: 'The capital of Afghanistan is Kabul.',
  document: 'Atlas',
  documentId: 'atlas.md',
  section: { number: 2, title: 'Cities' },
  paragraph: 1,
  start: 10,
  end: 46,
  score: 1,
};

function newQuiz(overrides: Partial<NewQuiz> = {}): NewQuiz {
  return {
    guildId: 'g1',
    channelId: 'c1',
    questionId: 'q-abc',
    prompt: 'The capital of Afghanistan is _____.',
    options: ['Herat', 'Kabul', 'Kandahar', 'Mazar'],
    answerIndex: 1,
    passage,
    closesAt: Date.UTC(2025, 2, 10, 12, 1, 0),
    ...overrides,
  };
}

describe('quizzes', () => {
  it('stores an open quiz with everything needed to close it after a restart', () => {
    const dir = tempDir();
    const clock = fakeClock();
    const first = open(dir, { now: clock.now });
    const quiz = first.openQuiz(newQuiz())!;
    first.setQuizMessage(quiz.id, '1234567890123456789');
    first.close();

    const second = open(dir, { now: clock.now });
    expect(second.openQuizzes()).toEqual([
      { ...newQuiz(), id: quiz.id, messageId: '1234567890123456789', openedAt: clock.time, closedAt: null },
    ]);
    expect(second.getQuiz(quiz.id)?.passage).toEqual(passage);
  });

  it('allows one open quiz per channel', () => {
    const storage = open(tempDir());
    const quiz = storage.openQuiz(newQuiz())!;
    expect(storage.openQuiz(newQuiz())).toBeNull();
    expect(storage.openQuiz(newQuiz({ channelId: 'c2' }))).not.toBeNull();
    expect(storage.openQuizIn('g1', 'c1')?.id).toBe(quiz.id);
    storage.closeQuiz(quiz.id);
    expect(storage.openQuizIn('g1', 'c1')).toBeNull();
    expect(storage.openQuiz(newQuiz())).not.toBeNull();
  });

  it('closes a quiz once: the first caller gets it, later ones null', () => {
    const clock = fakeClock();
    const storage = open(tempDir(), { now: clock.now });
    const quiz = storage.openQuiz(newQuiz())!;
    expect(storage.closeQuiz(quiz.id)).toMatchObject({ id: quiz.id, closedAt: clock.time });
    expect(storage.closeQuiz(quiz.id)).toBeNull();
    expect(storage.openQuizzes()).toEqual([]);
  });

  it('counts the first pick of each member, only while the quiz is open', () => {
    const clock = fakeClock();
    const storage = open(tempDir(), { now: clock.now });
    const quiz = storage.openQuiz(newQuiz({ closesAt: clock.time + MINUTE }))!;
    expect(storage.answerQuiz('g1', quiz.id, 'alice', 1).outcome).toBe('correct');
    clock.advance(SECOND);
    expect(storage.answerQuiz('g1', quiz.id, 'bob', 0).outcome).toBe('wrong');
    expect(storage.answerQuiz('g1', quiz.id, 'alice', 0).outcome).toBe('already-answered');
    expect(storage.answerQuiz('g2', quiz.id, 'carol', 1).outcome).toBe('unknown'); // another server's button
    expect(storage.answerQuiz('g1', quiz.id, 'carol', 7).outcome).toBe('unknown');
    expect(storage.answerQuiz('g1', 999, 'carol', 1).outcome).toBe('unknown');
    clock.advance(MINUTE);
    expect(storage.answerQuiz('g1', quiz.id, 'carol', 1).outcome).toBe('closed'); // past its time, not closed yet
    storage.closeQuiz(quiz.id);
    expect(storage.answerQuiz('g1', quiz.id, 'dave', 1).outcome).toBe('closed');

    expect(storage.quizAnswers('g1', quiz.id)).toEqual([
      { userId: 'alice', correct: true, answeredAt: clock.time - MINUTE - SECOND },
      { userId: 'bob', correct: false, answeredAt: clock.time - MINUTE },
    ]);
    expect(storage.leaderboard('g1').map((e) => [e.userId, e.correct, e.answered])).toEqual([
      ['alice', 1, 1],
      ['bob', 0, 1],
    ]);
  });

  it('/forget-me removes the quiz answers; retention removes old closed quizzes, not open ones', () => {
    const clock = fakeClock();
    const storage = open(tempDir(), { now: clock.now });
    const old = storage.openQuiz(newQuiz({ closesAt: clock.time + MINUTE }))!;
    storage.answerQuiz('g1', old.id, 'alice', 1);
    storage.closeQuiz(old.id);
    const running = storage.openQuiz(newQuiz({ channelId: 'c2', closesAt: clock.time + 40 * DAY }))!;
    expect(storage.forgetMember('g1', 'alice').quizAnswers).toBe(1);
    expect(storage.quizAnswers('g1', old.id)).toEqual([]);

    clock.advance(DEFAULT_GUILD_SETTINGS.retentionDays * DAY + MINUTE);
    storage.purgeExpired();
    expect(storage.getQuiz(old.id)).toBeNull();
    expect(storage.getQuiz(running.id)).not.toBeNull();
  });
});

describe('migration 2 (quizzes)', () => {
  it('upgrades a version-1 file in place, keeping its settings and scores', () => {
    const dir = tempDir();
    const raw = new Database(join(dir, DATABASE_FILE_NAME));
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    raw.prepare(`INSERT INTO guild_settings VALUES ('g1', '{"cooldownSeconds":5}', 0)`).run();
    raw.prepare(`INSERT INTO quiz_answers VALUES ('g1', 'old-quiz', 'alice', 1, 0)`).run();
    raw.close();

    const storage = open(dir);
    expect(storage.getSettings('g1').cooldownSeconds).toBe(5);
    expect(storage.memberScore('g1', 'alice')).toMatchObject({ correct: 1, answered: 1 });
    expect(storage.openQuiz(newQuiz())).not.toBeNull();
    const migrated = new Database(storage.file, { readonly: true });
    expect(migrated.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    migrated.close();
  });
});

describe('default settings', () => {
  it('an operator can change the defaults (e.g. from the environment); servers override them', () => {
    const storage = open(tempDir(), { defaults: { maxQuestionLength: 300 } });
    expect(storage.defaultSettings.maxQuestionLength).toBe(300);
    expect(storage.getSettings('g1').maxQuestionLength).toBe(300);
    storage.updateSettings('g1', { maxQuestionLength: 800 });
    expect(storage.getSettings('g1').maxQuestionLength).toBe(800);
    expect(storage.resetSettings('g1', ['maxQuestionLength']).maxQuestionLength).toBe(300);
    expect(() => open(tempDir(), { defaults: { maxQuestionLength: 5 } })).toThrow(InvalidSettingsError);
  });
});
