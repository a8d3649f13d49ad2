import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { normaliseQuestion, type QuestionRecord, type Storage } from '../../src/storage/index.js';
import { DAY, HOUR, fakeClock, open, tempDir } from './helpers.js';

function question(overrides: Partial<QuestionRecord> = {}): QuestionRecord {
  return {
    guildId: 'g1',
    channelId: 'c1',
    userId: 'u1',
    question: 'What is the quorum?',
    answered: true,
    citedSections: ['2 Meetings'],
    latencyMs: 40,
    ...overrides,
  };
}

/** Row counts straight from the file, independent of the code under test. */
function counts(storage: Storage) {
  const db = new Database(storage.file, { readonly: true });
  const count = (sql: string) => db.prepare<[], number>(sql).pluck().get()!;
  const result = {
    questions: count('SELECT count(*) FROM questions'),
    feedback: count('SELECT count(*) FROM feedback'),
    quizAnswers: count('SELECT count(*) FROM quiz_answers'),
  };
  db.close();
  return result;
}

describe('normaliseQuestion', () => {
  it('groups wordings that differ only in case, spacing and final punctuation', () => {
    expect(normaliseQuestion('  What   is the\tQuorum ?! ')).toBe('what is the quorum');
    expect(normaliseQuestion('what is the quorum')).toBe('what is the quorum');
    expect(normaliseQuestion('Ｗhat is Ｘ?')).toBe('what is x'); // full-width letters (NFKC)
  });
});

describe('audit log', () => {
  it('records questions with increasing ids', () => {
    const storage = open(tempDir());
    const a = storage.recordQuestion(question());
    const b = storage.recordQuestion(question({ userId: 'u2' }));
    expect(b).toBeGreaterThan(a);
  });

  it('keeps one vote per member per question, the last one winning', () => {
    const storage = open(tempDir());
    const id = storage.recordQuestion(question());
    expect(storage.recordFeedback(id, 'u2', 'up')).toBe(true);
    expect(storage.recordFeedback(id, 'u2', 'down')).toBe(true);
    expect(storage.recordFeedback(id, 'u3', 'up')).toBe(true);
    expect(storage.buildReport('g1').feedback).toEqual({ up: 1, down: 1, ratio: 0.5 });
    expect(counts(storage).feedback).toBe(2);
  });

  it('ignores a vote on a question that no longer exists', () => {
    const storage = open(tempDir());
    expect(storage.recordFeedback(12345, 'u2', 'up')).toBe(false);
    expect(counts(storage).feedback).toBe(0);
  });

  it('keeps questions, feedback, scores and settings across a restart', () => {
    const dir = tempDir();
    const first = open(dir);
    const id = first.recordQuestion(question());
    first.recordFeedback(id, 'u2', 'down');
    first.recordQuizAnswer('g1', 'quiz-1', 'u1', true);
    first.updateSettings('g1', { visibility: 'private' });
    first.close();

    const second = open(dir);
    expect(second.buildReport('g1')).toMatchObject({ total: 1, feedback: { up: 0, down: 1 } });
    expect(second.leaderboard('g1')).toEqual([{ rank: 1, userId: 'u1', correct: 1, answered: 1 }]);
    expect(second.getSettings('g1').visibility).toBe('private');
    // Ids keep increasing after a restart, so stale buttons never point at a new question.
    expect(second.recordQuestion(question())).toBeGreaterThan(id);
  });
});

describe('retention', () => {
  it('purgeOlderThan removes old questions with their feedback, in every server', () => {
    const clock = fakeClock();
    const storage = open(tempDir(), { now: clock.now });
    const old = storage.recordQuestion(question({ askedAt: clock.time - 31 * DAY }));
    storage.recordQuestion(question({ guildId: 'g2', askedAt: clock.time - 40 * DAY }));
    const recent = storage.recordQuestion(question({ askedAt: clock.time - 29 * DAY }));
    storage.recordFeedback(old, 'u2', 'up');
    storage.recordFeedback(recent, 'u2', 'up');
    expect(storage.purgeOlderThan(30)).toBe(2);
    expect(counts(storage)).toMatchObject({ questions: 1, feedback: 1 });
    expect(storage.recordFeedback(old, 'u3', 'up')).toBe(false);
    expect(storage.recordFeedback(recent, 'u3', 'up')).toBe(true);
  });

  it("purgeExpired applies each server's retention setting", () => {
    const clock = fakeClock();
    const storage = open(tempDir(), { now: clock.now });
    storage.updateSettings('short', { retentionDays: 7 });
    storage.updateSettings('long', { retentionDays: 90 });
    storage.updateSettings('other', { cooldownSeconds: 1 }); // overrides something else: default retention
    for (const guildId of ['short', 'long', 'other', 'plain']) {
      for (const age of [6, 8, 31, 91]) storage.recordQuestion(question({ guildId, askedAt: clock.time - age * DAY }));
    }
    expect(storage.purgeExpired()).toBe(3 + 1 + 2 + 2);
    const left = (guildId: string) => storage.buildReport(guildId, { days: 365 }).total;
    expect({ short: left('short'), long: left('long'), other: left('other'), plain: left('plain') }).toEqual({
      short: 1,
      long: 3,
      other: 2,
      plain: 2,
    });
  });

  it('purges at open and on a timer', async () => {
    const dir = tempDir();
    const clock = fakeClock();
    const first = open(dir, { now: clock.now });
    first.recordQuestion(question({ askedAt: clock.time - 31 * DAY }));
    first.recordQuestion(question({ askedAt: clock.time - HOUR }));
    first.close();

    const second = open(dir, { now: clock.now, purgeIntervalMs: 20 });
    expect(counts(second).questions).toBe(1);
    clock.advance(30 * DAY);
    await new Promise((done) => setTimeout(done, 100));
    expect(counts(second).questions).toBe(0);
  });
});

describe('forgetMember', () => {
  it("removes that member's questions, feedback and scores in that server only", () => {
    const storage = open(tempDir());
    const mine = storage.recordQuestion(question({ userId: 'me' }));
    const theirs = storage.recordQuestion(question({ userId: 'them' }));
    const mineElsewhere = storage.recordQuestion(question({ guildId: 'g2', userId: 'me' }));
    storage.recordFeedback(mine, 'them', 'up'); // goes with my question
    storage.recordFeedback(theirs, 'me', 'down'); // a vote I gave
    storage.recordFeedback(theirs, 'them', 'up'); // stays
    storage.recordFeedback(mineElsewhere, 'me', 'up'); // other server: stays
    storage.recordQuizAnswer('g1', 'q1', 'me', true);
    storage.recordQuizAnswer('g1', 'q2', 'me', false);
    storage.recordQuizAnswer('g1', 'q1', 'them', true);
    storage.recordQuizAnswer('g2', 'q1', 'me', true);

    expect(storage.forgetMember('g1', 'me')).toEqual({ questions: 1, feedbackGiven: 1, quizAnswers: 2 });

    expect(counts(storage)).toEqual({ questions: 2, feedback: 2, quizAnswers: 2 });
    expect(storage.buildReport('g1')).toMatchObject({ total: 1, uniqueMembers: 1, feedback: { up: 1, down: 0 } });
    expect(storage.memberScore('g1', 'me')).toBeNull();
    expect(storage.memberScore('g1', 'them')).toMatchObject({ correct: 1 });
    expect(storage.memberScore('g2', 'me')).toMatchObject({ correct: 1 });
    expect(storage.buildReport('g2')).toMatchObject({ total: 1, feedback: { up: 1 } });
    expect(storage.forgetMember('g1', 'me')).toEqual({ questions: 0, feedbackGiven: 0, quizAnswers: 0 });
  });

  it('overwrites deleted content on disk (secure_delete)', () => {
    const dir = tempDir();
    const storage = open(dir);
    const secret = 'my-very-distinctive-secret-question-xyzzy';
    storage.recordQuestion(question({ userId: 'me', question: secret }));
    storage.forgetMember('g1', 'me');
    storage.close(); // checkpoint: the WAL is folded into the file and removed
    const bytes = readAll(storage.file);
    expect(bytes.includes(secret)).toBe(false);
  });
});

function readAll(file: string): string {
  return [file, `${file}-wal`]
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path).toString('latin1'))
    .join('');
}
