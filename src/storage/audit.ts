/**
 * The audit log: every question the engine handled, with the 👍/👎 feedback on its answer.
 * Reports read it; retention and /forget-me prune it. Beside it, rate limits keep their own
 * rows (who asked when, nothing else), which /forget-me leaves alone and which go after two
 * days: erasing one's questions must not reset one's cooldown and daily cap.
 */
import type { SqliteDatabase } from './database.js';
import { DAY_MS, utcDayStart } from './rateLimits.js';

export interface QuestionRecord {
  guildId: string;
  channelId: string;
  /** The member who asked. */
  userId: string;
  /** The question as the member typed it. */
  question: string;
  /** false: the bot refused because the document has no passage for it (a coverage gap). */
  answered: boolean;
  /** Labels of the sections the answer quoted, e.g. "§3 Retention". Duplicates are dropped. */
  citedSections: readonly string[];
  /** Time from receiving the question to sending the answer. */
  latencyMs: number;
  /** When the question was received (ms since the epoch). Defaults to the store's clock. */
  askedAt?: number;
}

export type Vote = 'up' | 'down';

/** How long the rows rate limits count from are kept: the daily cap looks back at most a day, the cooldown an hour. */
export const ASK_ROWS_KEPT_MS = 2 * DAY_MS;

/** What the rate limit needs to know about a member, from when they asked. */
export interface MemberActivity {
  lastAskedAt: number | null;
  askedToday: number;
}

/**
 * Lower-cases, applies Unicode NFKC, collapses white space and drops trailing punctuation,
 * so that "What is the quorum?" and "what is the quorum" count as one question in reports.
 */
export function normaliseQuestion(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s?!.,;:…¿¡]+$/u, '')
    .trim();
}

export class AuditLog {
  readonly #insertQuestion;
  readonly #insertAsk;
  readonly #pruneAsks;
  readonly #upsertFeedback;
  readonly #activity;
  readonly #purgeAll;
  readonly #purgeGuild;
  readonly #purgeOthers;
  readonly #forgetFeedbackGiven;
  readonly #forgetQuestions;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => number,
  ) {
    this.#insertQuestion = db.prepare<
      [string, string, string, string, string, number, string, number, number]
    >(
      `INSERT INTO questions
         (guild_id, channel_id, user_id, question, normalized, answered, cited_sections, latency_ms, asked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertAsk = db.prepare<[string, string, number]>('INSERT INTO asks (guild_id, user_id, asked_at) VALUES (?, ?, ?)');
    this.#pruneAsks = db.prepare<[number]>('DELETE FROM asks WHERE asked_at < ?');
    // INSERT … SELECT: no row is written when the question is gone (purged or forgotten),
    // instead of a foreign-key error from a stale button.
    this.#upsertFeedback = db.prepare<[string, Vote, number, number]>(
      `INSERT INTO feedback (question_id, user_id, vote, voted_at)
       SELECT id, ?, ?, ? FROM questions WHERE id = ?
       ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at`,
    );
    this.#activity = db.prepare<
      { guildId: string; userId: string; since: number; dayStart: number },
      { last: number | null; today: number }
    >(
      `SELECT max(asked_at) AS last, count(*) FILTER (WHERE asked_at >= :dayStart) AS today
       FROM asks WHERE guild_id = :guildId AND user_id = :userId AND asked_at >= :since`,
    );
    // Feedback goes with its question through ON DELETE CASCADE.
    this.#purgeAll = db.prepare<[number]>('DELETE FROM questions WHERE asked_at < ?');
    this.#purgeGuild = db.prepare<[string, number]>('DELETE FROM questions WHERE guild_id = ? AND asked_at < ?');
    this.#purgeOthers = db.prepare<[number, string]>(
      'DELETE FROM questions WHERE asked_at < ? AND guild_id NOT IN (SELECT value FROM json_each(?))',
    );
    this.#forgetFeedbackGiven = db.prepare<[string, string]>(
      `DELETE FROM feedback WHERE user_id = ?
         AND question_id IN (SELECT id FROM questions WHERE guild_id = ?)`,
    );
    this.#forgetQuestions = db.prepare<[string, string]>('DELETE FROM questions WHERE guild_id = ? AND user_id = ?');
  }

  /** Records one handled question, and that the member asked; returns its id, which the feedback buttons carry. Run it in a transaction. */
  recordQuestion(record: QuestionRecord): number {
    const sections = [...new Set(record.citedSections)];
    const askedAt = record.askedAt ?? this.now();
    this.#insertAsk.run(record.guildId, record.userId, askedAt);
    const result = this.#insertQuestion.run(
      record.guildId,
      record.channelId,
      record.userId,
      record.question,
      normaliseQuestion(record.question),
      record.answered ? 1 : 0,
      JSON.stringify(sections),
      Math.max(0, Math.round(record.latencyMs)),
      askedAt,
    );
    return Number(result.lastInsertRowid);
  }

  /** Records only that a member asked, and when: for rate limits where no question is logged (direct messages). */
  recordAsk(scope: string, userId: string): void {
    this.#insertAsk.run(scope, userId, this.now());
  }

  /**
   * A member's 👍/👎 on an answer. One vote per member per question; voting again replaces
   * the earlier vote. Returns false when the question no longer exists.
   */
  recordFeedback(questionId: number, userId: string, vote: Vote): boolean {
    return this.#upsertFeedback.run(userId, vote, this.now(), questionId).changes > 0;
  }

  /** The inputs of `decideRateLimit` for one member at time `now`. */
  memberActivity(guildId: string, userId: string, now: number, cooldownSeconds: number): MemberActivity {
    const dayStart = utcDayStart(now);
    const since = Math.min(dayStart, now - cooldownSeconds * 1000);
    const row = this.#activity.get({ guildId, userId, since, dayStart });
    return { lastAskedAt: row?.last ?? null, askedToday: row?.today ?? 0 };
  }

  /** Deletes the rows rate limits no longer need. */
  pruneAsks(): number {
    return this.#pruneAsks.run(this.now() - ASK_ROWS_KEPT_MS).changes;
  }

  /** Deletes questions (and their feedback) older than `days` days, in every server. */
  purgeOlderThan(days: number): number {
    return this.#purgeAll.run(this.now() - days * DAY_MS).changes;
  }

  /**
   * Applies each server's own retention: `retentionByGuild` lists the servers whose setting
   * differs from `defaultDays`; every other server gets the default. Run it in a transaction.
   */
  purgeByRetention(defaultDays: number, retentionByGuild: ReadonlyMap<string, number>): number {
    const now = this.now();
    let removed = 0;
    for (const [guildId, days] of retentionByGuild) removed += this.#purgeGuild.run(guildId, now - days * DAY_MS).changes;
    removed += this.#purgeOthers.run(now - defaultDays * DAY_MS, JSON.stringify([...retentionByGuild.keys()])).changes;
    return removed;
  }

  /**
   * Removes a member's questions in one server (with all feedback on them) and the votes they
   * gave on other members' answers there. Run it in a transaction with the scores' part.
   */
  forgetMember(guildId: string, userId: string): { questions: number; feedbackGiven: number } {
    const feedbackGiven = this.#forgetFeedbackGiven.run(userId, guildId).changes;
    const questions = this.#forgetQuestions.run(guildId, userId).changes;
    return { questions, feedbackGiven };
  }
}
