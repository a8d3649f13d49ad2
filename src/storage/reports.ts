/**
 * /report: what a server asked over the last N days, read from the audit log. Returns data;
 * the Discord adapter formats it and attaches `reportCsv` when asked.
 */
import { stringify } from 'csv-stringify/sync';
import type { SqliteDatabase } from './database.js';
import { DAY_MS } from './rateLimits.js';

export interface ReportOptions {
  /** Length of the window, in days back from `now` (a rolling window, not calendar days). Default 7. */
  days?: number;
  /** End of the window (ms since the epoch). Defaults to the store's clock. */
  now?: number;
  /** Longest list returned for mostAsked, unanswered and bySection. Default 10. */
  limit?: number;
}

export interface AskedQuestion {
  /** The most recent wording of the question, as typed. */
  question: string;
  /** The grouping key (see `normaliseQuestion`). */
  normalized: string;
  count: number;
  lastAskedAt: number;
}

export interface Report {
  guildId: string;
  /** The window is `from <= askedAt <= to`. */
  from: number;
  to: number;
  days: number;
  total: number;
  answered: number;
  refused: number;
  uniqueMembers: number;
  /** Mean answer latency over the window; null when nothing was asked. */
  averageLatencyMs: number | null;
  mostAsked: AskedQuestion[];
  /** Refused questions: what members wanted that the document does not cover. */
  unanswered: AskedQuestion[];
  /** Votes on answers given in the window. `ratio` is up / (up + down), null without votes. */
  feedback: { up: number; down: number; ratio: number | null };
  /** How often each section was cited by answers in the window. */
  bySection: Array<{ section: string; count: number }>;
  /** Questions per UTC day of the window that had any, oldest first. */
  byDay: Array<{ day: string; answered: number; refused: number }>;
}

export const DEFAULT_REPORT_DAYS = 7;
export const DEFAULT_REPORT_LIMIT = 10;

/** The columns of the CSV export, in order. */
export const CSV_COLUMNS = [
  'id',
  'asked_at',
  'channel_id',
  'user_id',
  'question',
  'outcome',
  'cited_sections',
  'latency_ms',
  'feedback_up',
  'feedback_down',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * Spreadsheet formula injection guard (OWASP "CSV injection"): a cell that starts with
 * = + - @ (or a tab or carriage return, which some spreadsheets skip before one of those)
 * would be run as a formula when a moderator opens the file. A leading apostrophe makes
 * Excel, LibreOffice and Google Sheets show it as text. Questions are typed by any member,
 * so every text cell goes through this.
 */
export function csvSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

type Window = { guildId: string; from: number; to: number };

interface GroupRow {
  question: string;
  normalized: string;
  count: number;
  last: number;
}

interface CsvRow {
  id: number;
  asked_at: number;
  channel_id: string;
  user_id: string;
  question: string;
  answered: number;
  cited_sections: string;
  latency_ms: number;
  up: number;
  down: number;
}

/** The WHERE clause of a report window, for a table alias `t` ('' or 'q.'). */
const inWindow = (t = '') => `${t}guild_id = :guildId AND ${t}asked_at >= :from AND ${t}asked_at <= :to`;

export class Reports {
  readonly #totals;
  readonly #groups;
  readonly #feedback;
  readonly #sections;
  readonly #rows;
  readonly #days;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => number,
  ) {
    this.#totals = db.prepare<
      Window,
      { total: number; answered: number | null; members: number; latency: number | null }
    >(
      `SELECT count(*) AS total, sum(answered) AS answered, count(DISTINCT user_id) AS members,
              avg(latency_ms) AS latency
       FROM questions WHERE ${inWindow()}`,
    );
    // `question` and `asked_at` are bare columns next to max(id): SQLite takes them from the
    // row holding the maximum, i.e. the latest recorded wording and when it was asked.
    // :answered = -1 selects every question.
    this.#groups = db.prepare<Window & { answered: number; limit: number }, GroupRow>(
      `SELECT question, normalized, count(*) AS count, asked_at AS last, max(id)
       FROM questions
       WHERE ${inWindow()} AND (:answered = -1 OR answered = :answered)
       GROUP BY normalized
       ORDER BY count DESC, last DESC, normalized
       LIMIT :limit`,
    );
    this.#feedback = db.prepare<Window, { up: number | null; down: number | null }>(
      `SELECT sum(f.vote = 'up') AS up, sum(f.vote = 'down') AS down
       FROM feedback f JOIN questions q ON q.id = f.question_id
       WHERE ${inWindow('q.')}`,
    );
    this.#sections = db.prepare<Window & { limit: number }, { section: string; count: number }>(
      `SELECT s.value AS section, count(*) AS count
       FROM questions q, json_each(q.cited_sections) s
       WHERE ${inWindow('q.')}
       GROUP BY s.value
       ORDER BY count DESC, section
       LIMIT :limit`,
    );
    this.#days = db.prepare<Window, { day: string; answered: number; refused: number }>(
      `SELECT date(asked_at / 1000, 'unixepoch') AS day, sum(answered) AS answered, count(*) - sum(answered) AS refused
       FROM questions WHERE ${inWindow()}
       GROUP BY day ORDER BY day`,
    );
    this.#rows = db.prepare<Window, CsvRow>(
      `SELECT q.id, q.asked_at, q.channel_id, q.user_id, q.question, q.answered, q.cited_sections, q.latency_ms,
              (SELECT count(*) FROM feedback f WHERE f.question_id = q.id AND f.vote = 'up') AS up,
              (SELECT count(*) FROM feedback f WHERE f.question_id = q.id AND f.vote = 'down') AS down
       FROM questions q
       WHERE ${inWindow('q.')}
       ORDER BY q.asked_at, q.id`,
    );
  }

  build(guildId: string, options: ReportOptions = {}): Report {
    const window = this.#window(guildId, options);
    const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_REPORT_LIMIT));
    const totals = this.#totals.get(window)!;
    const feedback = this.#feedback.get(window)!;
    const up = feedback.up ?? 0;
    const down = feedback.down ?? 0;
    const answered = totals.answered ?? 0;
    const groups = (answeredFilter: number) =>
      this.#groups.all({ ...window, answered: answeredFilter, limit }).map((row) => ({
        question: row.question,
        normalized: row.normalized,
        count: row.count,
        lastAskedAt: row.last,
      }));
    return {
      guildId,
      from: window.from,
      to: window.to,
      days: (window.to - window.from) / DAY_MS,
      total: totals.total,
      answered,
      refused: totals.total - answered,
      uniqueMembers: totals.members,
      averageLatencyMs: totals.latency === null ? null : Math.round(totals.latency),
      mostAsked: groups(-1),
      unanswered: groups(0),
      feedback: { up, down, ratio: up + down === 0 ? null : up / (up + down) },
      bySection: this.#sections.all({ ...window, limit }),
      byDay: this.#days.all(window),
    };
  }

  /**
   * One row per question in the window, with a header row, for moderators to open in a
   * spreadsheet. Starts with a UTF-8 byte-order mark so Excel reads accents and emoji
   * correctly; other tools ignore it.
   */
  csv(guildId: string, options: Omit<ReportOptions, 'limit'> = {}): string {
    const rows = this.#rows.all(this.#window(guildId, options)).map(
      (row): Record<CsvColumn, string | number> => ({
        id: row.id,
        asked_at: new Date(row.asked_at).toISOString(),
        channel_id: csvSafe(row.channel_id),
        user_id: csvSafe(row.user_id),
        question: csvSafe(row.question),
        outcome: row.answered ? 'answered' : 'refused',
        cited_sections: csvSafe((JSON.parse(row.cited_sections) as string[]).join('; ')),
        latency_ms: row.latency_ms,
        feedback_up: row.up,
        feedback_down: row.down,
      }),
    );
    return stringify(rows, { header: true, columns: [...CSV_COLUMNS], bom: true });
  }

  #window(guildId: string, options: Omit<ReportOptions, 'limit'>): Window {
    const days = options.days ?? DEFAULT_REPORT_DAYS;
    if (!(days > 0)) throw new RangeError(`Verbatim storage: report days must be positive, got ${days}`);
    const to = options.now ?? this.now();
    return { guildId, from: to - days * DAY_MS, to };
  }
}
