/**
 * Quiz scores per member per server. One row per member per quiz question: the first
 * answer counts, so clicking again (or racing a second click) cannot change a result.
 *
 * Scores are not subject to the audit retention: a leaderboard that silently loses points
 * after 30 days would look like a bug. They go with /forget-me.
 */
import type { SqliteDatabase } from './database.js';

export interface LeaderboardEntry {
  /** 1-based position; ties are broken, never shared (see the ORDER BY below). */
  rank: number;
  userId: string;
  /** Quiz questions answered correctly. */
  correct: number;
  /** Quiz questions answered at all. */
  answered: number;
}

export const DEFAULT_LEADERBOARD_LIMIT = 10;

/** One member's answer to one quiz question. */
export interface QuizAnswer {
  userId: string;
  correct: boolean;
  answeredAt: number;
}

/**
 * Every member of a server with their rank. Order: most correct answers; then fewer attempts
 * (better accuracy); then whoever reached their score first; then user id so the order is
 * stable.
 */
const RANKED = `
  WITH totals AS (
    SELECT user_id, sum(correct) AS correct, count(*) AS answered,
           max(CASE WHEN correct = 1 THEN answered_at END) AS reached_at
    FROM quiz_answers WHERE guild_id = :guildId GROUP BY user_id
  )
  SELECT row_number() OVER (ORDER BY correct DESC, answered ASC, reached_at ASC NULLS LAST, user_id) AS rank,
         user_id AS userId, correct, answered
  FROM totals`;

export class ScoresStore {
  readonly #insert;
  readonly #top;
  readonly #member;
  readonly #forget;
  readonly #answers;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => number,
  ) {
    this.#insert = db.prepare<[string, string, string, number, number]>(
      `INSERT INTO quiz_answers (guild_id, quiz_id, user_id, correct, answered_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (guild_id, quiz_id, user_id) DO NOTHING`,
    );
    this.#top = db.prepare<{ guildId: string; limit: number }, LeaderboardEntry>(`${RANKED} ORDER BY rank LIMIT :limit`);
    this.#member = db.prepare<{ guildId: string; userId: string }, LeaderboardEntry>(
      `SELECT * FROM (${RANKED}) WHERE userId = :userId`,
    );
    this.#forget = db.prepare<[string, string]>('DELETE FROM quiz_answers WHERE guild_id = ? AND user_id = ?');
    this.#answers = db.prepare<[string, string], { userId: string; correct: number; answeredAt: number }>(
      `SELECT user_id AS userId, correct, answered_at AS answeredAt FROM quiz_answers
       WHERE guild_id = ? AND quiz_id = ? ORDER BY answered_at, user_id`,
    );
  }

  /** Every answer to one quiz question, first answered first. */
  answersTo(guildId: string, quizId: string): QuizAnswer[] {
    return this.#answers.all(guildId, quizId).map((row) => ({ userId: row.userId, correct: row.correct === 1, answeredAt: row.answeredAt }));
  }

  /**
   * Records a member's answer to one quiz question (`quizId` identifies the question
   * instance: the quizzes table's row id). Returns false when the member had already answered it:
   * the first answer stands.
   */
  recordQuizAnswer(guildId: string, quizId: string, userId: string, correct: boolean, answeredAt = this.now()): boolean {
    return this.#insert.run(guildId, quizId, userId, correct ? 1 : 0, answeredAt).changes > 0;
  }

  leaderboard(guildId: string, limit = DEFAULT_LEADERBOARD_LIMIT): LeaderboardEntry[] {
    return this.#top.all({ guildId, limit: Math.max(1, Math.floor(limit)) });
  }

  /** A member's score and rank; null when they have not answered any quiz question here. */
  memberScore(guildId: string, userId: string): LeaderboardEntry | null {
    return this.#member.get({ guildId, userId }) ?? null;
  }

  forgetMember(guildId: string, userId: string): number {
    return this.#forget.run(guildId, userId).changes;
  }
}
