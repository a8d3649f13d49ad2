import { describe, expect, it } from 'vitest';
import { SECOND, fakeClock, open, tempDir } from './helpers.js';

describe('quiz scores', () => {
  it('counts only the first answer of a member to a quiz question', () => {
    const storage = open(tempDir());
    expect(storage.recordQuizAnswer('g1', 'quiz-1', 'u1', false)).toBe(true);
    expect(storage.recordQuizAnswer('g1', 'quiz-1', 'u1', true)).toBe(false);
    expect(storage.recordQuizAnswer('g1', 'quiz-2', 'u1', true)).toBe(true);
    expect(storage.memberScore('g1', 'u1')).toEqual({ rank: 1, userId: 'u1', correct: 1, answered: 2 });
  });

  it('ranks by correct answers, then fewer attempts, then who got there first', () => {
    const clock = fakeClock();
    const storage = open(tempDir(), { now: clock.now });
    const answer = (userId: string, quizId: string, correct: boolean) => {
      storage.recordQuizAnswer('g1', quizId, userId, correct);
      clock.advance(SECOND);
    };
    answer('late', 'q1', true); // reaches 3/3 last
    answer('early', 'q1', true);
    answer('sloppy', 'q1', false);
    answer('low', 'q1', true);
    answer('early', 'q2', true);
    answer('sloppy', 'q2', true);
    answer('early', 'q3', true); // early: 3/3, done now
    answer('sloppy', 'q3', true);
    answer('sloppy', 'q4', true); // sloppy: 3/4
    answer('late', 'q2', true);
    answer('late', 'q3', true); // late: 3/3, done after early
    answer('zero', 'q1', false);
    storage.recordQuizAnswer('g2', 'q1', 'elsewhere', true); // another server

    expect(storage.leaderboard('g1')).toEqual([
      { rank: 1, userId: 'early', correct: 3, answered: 3 },
      { rank: 2, userId: 'late', correct: 3, answered: 3 },
      { rank: 3, userId: 'sloppy', correct: 3, answered: 4 },
      { rank: 4, userId: 'low', correct: 1, answered: 1 },
      { rank: 5, userId: 'zero', correct: 0, answered: 1 },
    ]);
    expect(storage.leaderboard('g1', 2).map((entry) => entry.userId)).toEqual(['early', 'late']);
    expect(storage.memberScore('g1', 'sloppy')).toEqual({ rank: 3, userId: 'sloppy', correct: 3, answered: 4 });
    expect(storage.memberScore('g1', 'elsewhere')).toBeNull();
    expect(storage.leaderboard('g2')).toEqual([{ rank: 1, userId: 'elsewhere', correct: 1, answered: 1 }]);
    expect(storage.leaderboard('empty')).toEqual([]);
  });

  it('keeps scores, and first-answer-wins, across a restart', () => {
    const dir = tempDir();
    const first = open(dir);
    first.recordQuizAnswer('g1', 'quiz-1', 'u1', true);
    first.close();
    const second = open(dir);
    expect(second.recordQuizAnswer('g1', 'quiz-1', 'u1', false)).toBe(false);
    expect(second.memberScore('g1', 'u1')).toEqual({ rank: 1, userId: 'u1', correct: 1, answered: 1 });
  });
});
