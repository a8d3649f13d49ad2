/**
 * The schema, as an ordered list of migrations. Migration `i` (0-based) takes a database
 * from `PRAGMA user_version = i` to `i + 1`; `openDatabase` runs the missing ones, each in
 * its own transaction together with the version bump, so a crash leaves the file at a
 * whole version, never half-migrated.
 *
 * Rules for editing: never change a migration that has shipped; append a new one. A
 * migration is plain SQL so that a test helper or a one-off script can apply it with the
 * `sqlite3` shell too.
 *
 * Conventions: times are INTEGER milliseconds since the Unix epoch (UTC); Discord ids are
 * TEXT (snowflakes overflow a JS number); tables are STRICT so a wrong type is an error,
 * not a silently coerced value.
 */

/** Written to `PRAGMA application_id` so a foreign SQLite file is recognised as such ('VRBT'). */
export const APPLICATION_ID = 0x56524254;

export const MIGRATIONS: readonly string[] = [
  // 1: settings, audit log with feedback, quiz answers.
  `
  -- Only the settings a server changed, as a JSON object; the rest come from the defaults
  -- in settings.ts, so changing a default reaches every server that never overrode it and a
  -- new setting needs no migration.
  CREATE TABLE guild_settings (
    guild_id   TEXT PRIMARY KEY,
    overrides  TEXT NOT NULL CHECK (json_valid(overrides)),
    updated_at INTEGER NOT NULL
  ) STRICT;

  -- One row per question the engine handled. Rate limits are computed from these rows, so
  -- they survive restarts without a separate counter table.
  CREATE TABLE questions (
    id             INTEGER PRIMARY KEY,
    guild_id       TEXT NOT NULL,
    channel_id     TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    question       TEXT NOT NULL,
    -- normaliseQuestion(question): groups "What is X?" with "what is x" in reports.
    normalized     TEXT NOT NULL,
    answered       INTEGER NOT NULL CHECK (answered IN (0, 1)),
    -- JSON array of section labels, e.g. ["3 Retention", "5.1 Appeals"].
    cited_sections TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(cited_sections)),
    latency_ms     INTEGER NOT NULL,
    asked_at       INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX questions_by_guild_time ON questions (guild_id, asked_at);
  CREATE INDEX questions_by_member ON questions (guild_id, user_id, asked_at);

  -- One vote per member per question; a later vote replaces the earlier one.
  CREATE TABLE feedback (
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    vote        TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    voted_at    INTEGER NOT NULL,
    PRIMARY KEY (question_id, user_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX feedback_by_user ON feedback (user_id);

  -- One answer per member per quiz; the first one counts.
  CREATE TABLE quiz_answers (
    guild_id    TEXT NOT NULL,
    quiz_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, quiz_id, user_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX quiz_answers_by_member ON quiz_answers (guild_id, user_id);

  PRAGMA application_id = ${APPLICATION_ID};
  `,
  // 2: quizzes, so that an open quiz survives a restart (its close is rescheduled) and a
  // button clicked after a restart still finds its question.
  `
  -- One row per quiz posted. Nothing here identifies a member: answers are in quiz_answers,
  -- keyed by quiz_id = CAST(id AS TEXT).
  CREATE TABLE quizzes (
    id           INTEGER PRIMARY KEY,
    guild_id     TEXT NOT NULL,
    channel_id   TEXT NOT NULL,
    -- The posted message; null between the insert and the post (and if the post failed).
    message_id   TEXT,
    -- The engine's id of the question (derived from the sentence and the blanked term).
    question_id  TEXT NOT NULL,
    prompt       TEXT NOT NULL,
    -- JSON array of the option texts, in the order shown.
    options      TEXT NOT NULL CHECK (json_valid(options) AND json_array_length(options) >= 2),
    answer_index INTEGER NOT NULL CHECK (answer_index >= 0 AND answer_index < json_array_length(options)),
    -- JSON of the cited passage (quote, document, section, paragraph, offsets).
    passage      TEXT NOT NULL CHECK (json_valid(passage)),
    opened_at    INTEGER NOT NULL,
    closes_at    INTEGER NOT NULL,
    closed_at    INTEGER
  ) STRICT;
  CREATE INDEX quizzes_open ON quizzes (closes_at) WHERE closed_at IS NULL;
  -- One open quiz per channel, even with several processes on the file.
  CREATE UNIQUE INDEX quizzes_open_per_channel ON quizzes (guild_id, channel_id) WHERE closed_at IS NULL;
  `,
  // 3: rate limits count from their own rows, which say only who asked when. Computed from
  // the questions, /forget-me reset a member's cooldown and daily cap along with their
  // questions: erasing one's data was a way round the limits. These rows outlive /forget-me
  // and go once no limit can use them (after two days, at the next hourly purge; see
  // ASK_ROWS_KEPT_MS). Only the last two days of questions are carried over.
  `
  CREATE TABLE asks (
    guild_id TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    asked_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX asks_by_member ON asks (guild_id, user_id, asked_at);
  INSERT INTO asks (guild_id, user_id, asked_at)
    SELECT guild_id, user_id, asked_at FROM questions WHERE asked_at >= (unixepoch() - 2 * 86400) * 1000;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
