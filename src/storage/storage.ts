/**
 * One object the adapters hold: settings, audit log, reports and quiz scores over a single
 * connection, with every statement prepared once at open. Knows nothing of Discord; ids are
 * plain strings.
 */
import { join, resolve } from 'node:path';
import { AuditLog, type QuestionRecord, type Vote } from './audit.js';
import { openDatabase, type OpenDatabaseOptions, type SqliteDatabase } from './database.js';
import { toStorageError } from './errors.js';
import { silentLogger, type StorageLogger } from './logger.js';
import { decideRateLimit, type RateLimitDecision } from './rateLimits.js';
import { Reports, type Report, type ReportOptions } from './reports.js';
import { ScoresStore, type LeaderboardEntry } from './scores.js';
import {
  DEFAULT_GUILD_SETTINGS,
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
  logger?: StorageLogger;
  /**
   * Delete expired audit rows at open and then every this many ms (the timer does not keep
   * the process alive). 0: only when `purgeExpired()` is called. Default one hour.
   */
  purgeIntervalMs?: number;
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
  readonly #logger: StorageLogger;
  readonly #settings: SettingsStore;
  readonly #audit: AuditLog;
  readonly #reports: Reports;
  readonly #scores: ScoresStore;
  readonly #forget;
  readonly #purge;
  #timer: NodeJS.Timeout | undefined;

  /** Opens the database file at `file`; throws `StorageError` when it cannot be used. */
  constructor(file: string, options: StorageOptions = {}) {
    this.file = resolve(file);
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
    this.#db = openDatabase(this.file, options);
    try {
      this.#settings = new SettingsStore(this.#db, this.#logger, this.#now);
      this.#audit = new AuditLog(this.#db, this.#now);
      this.#reports = new Reports(this.#db, this.#now);
      this.#scores = new ScoresStore(this.#db, this.#now);
      this.#forget = this.#db.transaction((guildId: string, userId: string): ForgetResult => ({
        ...this.#audit.forgetMember(guildId, userId),
        quizAnswers: this.#scores.forgetMember(guildId, userId),
      }));
      this.#purge = this.#db.transaction(() => {
        const overridden = new Map<string, number>();
        for (const guildId of this.#settings.guildsWithOverrides()) {
          const days = this.#settings.get(guildId).retentionDays;
          if (days !== DEFAULT_GUILD_SETTINGS.retentionDays) overridden.set(guildId, days);
        }
        return this.#audit.purgeByRetention(DEFAULT_GUILD_SETTINGS.retentionDays, overridden);
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
    return this.#guard(() => this.#audit.recordQuestion(record));
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
   * overwritten on disk (`secure_delete`). Note that this also resets their rate limit.
   */
  forgetMember(guildId: string, userId: string): ForgetResult {
    return this.#guard(() => this.#forget.immediate(guildId, userId));
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
