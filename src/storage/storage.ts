/**
 * One object the adapters hold: settings, audit log, reports and quiz scores over a single
 * connection, with every statement prepared once at open. Knows nothing of Discord; ids are
 * plain strings.
 */
import { join, resolve } from 'node:path';
import { AuditLog, type QuestionRecord, type Vote } from './audit.js';
import { openDatabase, type OpenDatabaseOptions, type SqliteDatabase } from './database.js';
import { toStorageError } from './errors.js';
import type { Logger } from '../core/types.js';
import { silentLogger } from '../core/silentLogger.js';
import { DAY_MS, decideRateLimit, type RateLimitDecision } from './rateLimits.js';
import { Reports, type Report, type ReportOptions } from './reports.js';
import { QuizStore, type NewQuiz, type QuizAnswerOutcome, type StoredQuiz } from './quizzes.js';
import { ScoresStore, type LeaderboardEntry, type QuizAnswer } from './scores.js';
import {
  resolveDefaults,
  SettingsStore,
  type GuildSettings,
  type GuildSettingsPatch,
  type SettingKey,
} from './settings.js';

export const DEFAULT_DATA_DIR = './data';
export const DATABASE_FILE_NAME = 'verbatim.db';
/** How often expired audit rows are deleted while the bot runs. */
export const DEFAULT_PURGE_INTERVAL_MS = 60 * 60 * 1000;

export interface StorageOptions extends OpenDatabaseOptions {
  /** Clock, ms since the epoch. Tests inject a fake one. Default `Date.now`. */
  now?: () => number;
  logger?: Logger;
  /**
   * Delete expired audit rows at open and then every this many ms (the timer does not keep
   * the process alive). 0: only when `purgeExpired()` is called. Default one hour.
   */
  purgeIntervalMs?: number;
  /**
   * Defaults for servers that did not change a setting, over `DEFAULT_GUILD_SETTINGS` (e.g.
   * the bot's MAX_QUESTION_LENGTH). Validated like an update; throws `InvalidSettingsError`.
   */
  defaults?: GuildSettingsPatch;
}

export interface ForgetResult {
  /** The member's questions removed (their feedback goes with them). */
  questions: number;
  /** Votes the member gave on other members' answers. */
  feedbackGiven: number;
  quizAnswers: number;
}

/** Opens `<dataDir>/verbatim.db` (creating the folder and file when missing). */
export function openStorage(dataDir: string = DEFAULT_DATA_DIR, options: StorageOptions = {}): Storage {
  return new Storage(join(dataDir, DATABASE_FILE_NAME), options);
}

export class Storage {
  /** Absolute path of the database file, for logs and error messages. */
  readonly file: string;
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #settings: SettingsStore;
  readonly #audit: AuditLog;
  readonly #reports: Reports;
  readonly #scores: ScoresStore;
  readonly #quizzes: QuizStore;
  readonly #answerQuiz;
  readonly #forget;
  readonly #recordQuestion;
  readonly #purge;
  #timer: NodeJS.Timeout | undefined;

  /** Opens the database file at `file`; throws `StorageError` when it cannot be used. */
  constructor(file: string, options: StorageOptions = {}) {
    this.file = resolve(file);
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
    const defaults = resolveDefaults(options.defaults);
    this.#db = openDatabase(this.file, options);
    try {
      this.#settings = new SettingsStore(this.#db, this.#logger, this.#now, defaults);
      this.#audit = new AuditLog(this.#db, this.#now);
      this.#reports = new Reports(this.#db, this.#now);
      this.#scores = new ScoresStore(this.#db, this.#now);
      this.#quizzes = new QuizStore(this.#db, this.#now);
      this.#answerQuiz = this.#db.transaction((guildId: string, quizId: number, userId: string, option: number, at: number): QuizAnswerOutcome => {
        const quiz = this.#quizzes.get(quizId);
        if (!quiz || quiz.guildId !== guildId || !Number.isInteger(option) || option < 0 || option >= quiz.options.length) return { outcome: 'unknown' };
        if (quiz.closedAt !== null || quiz.closesAt <= at) return { outcome: 'closed', quiz };
        const correct = option === quiz.answerIndex;
        if (!this.#scores.recordQuizAnswer(guildId, String(quizId), userId, correct, at)) return { outcome: 'already-answered', quiz };
        return { outcome: correct ? 'correct' : 'wrong', quiz };
      });
      this.#recordQuestion = this.#db.transaction((record: QuestionRecord) => this.#audit.recordQuestion(record));
      this.#forget = this.#db.transaction((guildId: string, userId: string): ForgetResult => ({
        ...this.#audit.forgetMember(guildId, userId),
        quizAnswers: this.#scores.forgetMember(guildId, userId),
      }));
      this.#purge = this.#db.transaction(() => {
        const overridden = new Map<string, number>();
        for (const guildId of this.#settings.guildsWithOverrides()) {
          const days = this.#settings.get(guildId).retentionDays;
          if (days !== defaults.retentionDays) overridden.set(guildId, days);
        }
        // Closed quizzes hold no personal data; they go after the default retention.
        this.#quizzes.purgeClosedBefore(this.#now() - defaults.retentionDays * DAY_MS);
        this.#audit.pruneAsks();
        return this.#audit.purgeByRetention(defaults.retentionDays, overridden);
      });
      const interval = options.purgeIntervalMs ?? DEFAULT_PURGE_INTERVAL_MS;
      if (interval > 0) {
        this.purgeExpired();
        this.#timer = setInterval(() => {
          try {
            this.purgeExpired();
          } catch (err) {
            // A failed purge is retried at the next tick; it must not take the bot down.
            this.#logger.warn({ err, file: this.file }, 'purging expired audit rows failed');
          }
        }, interval);
        this.#timer.unref();
      }
    } catch (err) {
      this.close();
      throw toStorageError(err, this.file);
    }
  }

  // Settings

  getSettings(guildId: string): GuildSettings {
    return this.#guard(() => this.#settings.get(guildId));
  }

  /** Validates and saves a partial update; throws `InvalidSettingsError` listing every problem. */
  updateSettings(guildId: string, patch: GuildSettingsPatch): GuildSettings {
    return this.#guard(() => this.#settings.update(guildId, patch));
  }

  /** Puts the given settings (all when omitted) back to the defaults. */
  resetSettings(guildId: string, keys?: readonly SettingKey[]): GuildSettings {
    return this.#guard(() => this.#settings.reset(guildId, keys));
  }

  // Rate limits

  /**
   * May this member ask now, under the server's cooldown and daily cap? Computed from the
   * recorded questions, so it survives restarts. Only recorded questions count: call
   * `recordQuestion` for every question that reaches the engine, and nothing for one that
   * was turned away here. Moderator exemptions, if any, are the adapter's decision.
   */
  checkRateLimit(guildId: string, userId: string): RateLimitDecision {
    return this.#guard(() => {
      const { cooldownSeconds, dailyCap } = this.#settings.get(guildId);
      const now = this.#now();
      const activity = this.#audit.memberActivity(guildId, userId, now, cooldownSeconds);
      return decideRateLimit({ now, cooldownSeconds, dailyCap, ...activity });
    });
  }

  // Audit

  /** Records a question the engine handled; returns the id the 👍/👎 buttons should carry. */
  recordQuestion(record: QuestionRecord): number {
    return this.#guard(() => this.#recordQuestion.immediate(record));
  }

  /**
   * That `userId` asked in `scope` (not what), for `checkRateLimit(scope, userId)` where no
   * question is recorded: direct messages, whose scope is not a server.
   */
  recordAsk(scope: string, userId: string): void {
    this.#guard(() => this.#audit.recordAsk(scope, userId));
  }

  /** One vote per member per question, the last one wins. False when the question is gone. */
  recordFeedback(questionId: number, userId: string, vote: Vote): boolean {
    return this.#guard(() => this.#audit.recordFeedback(questionId, userId, vote));
  }

  /** Deletes audit rows older than `days` days in every server, whatever their setting. */
  purgeOlderThan(days: number): number {
    return this.#guard(() => this.#audit.purgeOlderThan(days));
  }

  /** Deletes audit rows older than each server's `retentionDays`. Returns how many questions went. */
  purgeExpired(): number {
    const removed = this.#guard(() => this.#purge.immediate());
    if (removed > 0) this.#logger.info({ removed, file: this.file }, 'purged expired audit rows');
    return removed;
  }

  /**
   * /forget-me: removes the member's questions in this server (with all feedback on them),
   * the votes they gave, and their quiz answers, in one transaction. Deleted content is
   * overwritten on disk (`secure_delete`). Their rate limit stands: it counts from rows
   * that say only when they asked, and those go by themselves after two days.
   */
  forgetMember(guildId: string, userId: string): ForgetResult {
    return this.#guard(() => this.#forget.immediate(guildId, userId));
  }

  /**
   * /forget-server, or the bot leaving a server: everything kept about the server (settings,
   * questions with their feedback, quizzes and answers, rate-limit rows), in one transaction.
   * Returns how many questions went.
   */
  forgetGuild(guildId: string): number {
    return this.#guard(() =>
      this.#db.transaction(() => {
        const questions = this.#db.prepare('DELETE FROM questions WHERE guild_id = ?').run(guildId).changes;
        for (const table of ['guild_settings', 'quiz_answers', 'quizzes', 'asks']) this.#db.prepare(`DELETE FROM ${table} WHERE guild_id = ?`).run(guildId);
        return questions;
      }).immediate(),
    );
  }

  // Reports

  buildReport(guildId: string, options?: ReportOptions): Report {
    return this.#guard(() => this.#reports.build(guildId, options));
  }

  /** The questions of the report window as CSV text, with a header row. */
  reportCsv(guildId: string, options?: Omit<ReportOptions, 'limit'>): string {
    return this.#guard(() => this.#reports.csv(guildId, options));
  }

  // Quiz scores

  /** First answer per member per quiz question counts; returns false for a later one. */
  recordQuizAnswer(guildId: string, quizId: string, userId: string, correct: boolean): boolean {
    return this.#guard(() => this.#scores.recordQuizAnswer(guildId, quizId, userId, correct));
  }

  // Quizzes

  /** Saves a new open quiz; null when the channel already has an open one. */
  openQuiz(quiz: NewQuiz): StoredQuiz | null {
    return this.#guard(() => this.#quizzes.open(quiz));
  }

  /** Records where the quiz was posted, for editing it when it closes. */
  setQuizMessage(quizId: number, messageId: string): void {
    this.#guard(() => this.#quizzes.setMessage(quizId, messageId));
  }

  getQuiz(quizId: number): StoredQuiz | null {
    return this.#guard(() => this.#quizzes.get(quizId));
  }

  /** The channel's quiz that is not closed yet, if any. */
  openQuizIn(guildId: string, channelId: string): StoredQuiz | null {
    return this.#guard(() => this.#quizzes.openIn(guildId, channelId));
  }

  /** Every quiz not closed yet (in every server), soonest to close first: what a restart reschedules. */
  openQuizzes(): StoredQuiz[] {
    return this.#guard(() => this.#quizzes.openQuizzes());
  }

  /** Closes a quiz; returns it to the one caller that closed it, null to any later one. */
  closeQuiz(quizId: number, at?: number): StoredQuiz | null {
    return this.#guard(() => this.#quizzes.close(quizId, at));
  }

  /**
   * A member picks option `option` of a quiz, at time `at` (default: the store's clock): the
   * first pick counts, and only while the quiz is open. One transaction, so a pick racing
   * the close is either counted or told the quiz closed.
   */
  answerQuiz(guildId: string, quizId: number, userId: string, option: number, at: number = this.#now()): QuizAnswerOutcome {
    return this.#guard(() => this.#answerQuiz.immediate(guildId, quizId, userId, option, at));
  }

  /** Who answered a quiz and whether they were right, first answered first. */
  quizAnswers(guildId: string, quizId: number): QuizAnswer[] {
    return this.#guard(() => this.#scores.answersTo(guildId, String(quizId)));
  }

  /** The defaults a server gets for the settings it did not change. */
  get defaultSettings(): Readonly<GuildSettings> {
    return this.#settings.defaults;
  }

  leaderboard(guildId: string, limit?: number): LeaderboardEntry[] {
    return this.#guard(() => this.#scores.leaderboard(guildId, limit));
  }

  memberScore(guildId: string, userId: string): LeaderboardEntry | null {
    return this.#guard(() => this.#scores.memberScore(guildId, userId));
  }

  // Lifecycle

  /**
   * Stops the purge timer and closes the connection. Closing checkpoints the WAL into the
   * main file; skipping it (a crash) loses nothing, the next open replays the log. Safe to
   * call twice.
   */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#db.open) this.#db.close();
  }

  /** Storage failures (disk full, lock timeout, damaged file) become `StorageError`s naming the file. */
  #guard<T>(action: () => T): T {
    try {
      return action();
    } catch (err) {
      throw toStorageError(err, this.file);
    }
  }
}
