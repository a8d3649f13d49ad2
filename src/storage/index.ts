/**
 * Persistence for moderated study groups: per-server settings, the question audit log with
 * feedback, reports, rate limits and quiz scores, in one SQLite file under DATA_DIR.
 * Never imports discord.js: ids are plain strings and results are plain data.
 */
export {
  Storage,
  openStorage,
  DEFAULT_DATA_DIR,
  DATABASE_FILE_NAME,
  type StorageOptions,
  type ForgetResult,
} from './storage.js';
export { openDatabase, checkIntegrity, type OpenDatabaseOptions, type SqliteDatabase } from './database.js';
export { StorageError, InvalidSettingsError, STORAGE_EXIT_CODE, type StorageErrorCode } from './errors.js';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
export {
  DEFAULT_GUILD_SETTINGS,
  SETTINGS_LIMITS,
  resolveDefaults,
  type GuildSettings,
  type GuildSettingsPatch,
  type SettingKey,
  type Visibility,
} from './settings.js';
export { decideRateLimit, utcDayStart, type RateLimitDecision, type RateLimitInput } from './rateLimits.js';
export { normaliseQuestion, type QuestionRecord, type Vote, type MemberActivity } from './audit.js';
export {
  csvSafe,
  CSV_COLUMNS,
  DEFAULT_REPORT_DAYS,
  type Report,
  type ReportOptions,
  type AskedQuestion,
  type CsvColumn,
} from './reports.js';
export { type LeaderboardEntry, type QuizAnswer } from './scores.js';
export type { NewQuiz, StoredQuiz, QuizAnswerOutcome } from './quizzes.js';
