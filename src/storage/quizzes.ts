/**
 * Open quizzes: what was asked, where, and when it closes, so that a restart can close the
 * overdue ones and reschedule the rest, and a click after a restart still finds its question.
 * Members' answers are in `quiz_answers` (scores.ts), keyed by the quiz's id as text.
 */
import type { Passage } from '../core/types.js';
import type { SqliteDatabase } from './database.js';

export interface NewQuiz {
  guildId: string;
  channelId: string;
  /** The engine's id of the question. */
  questionId: string;
  prompt: string;
  options: readonly string[];
  answerIndex: number;
  /** The sentence the question was cut from, with its citation. */
  passage: Passage;
  /** When answers stop counting (ms since the epoch). */
  closesAt: number;
  /** Defaults to the store's clock. */
  openedAt?: number;
}

export interface StoredQuiz extends Required<NewQuiz> {
  id: number;
  /** The posted message, once known. */
  messageId: string | null;
  /** When it was closed; null while open. */
  closedAt: number | null;
}

/** What happened to a member's pick (see `Storage.answerQuiz`). */
export type QuizAnswerOutcome =
  | { outcome: 'correct' | 'wrong'; quiz: StoredQuiz }
  /** The member had answered already: the first answer stands. */
  | { outcome: 'already-answered'; quiz: StoredQuiz }
  /** Closed, or past its closing time. */
  | { outcome: 'closed'; quiz: StoredQuiz }
  /** No such quiz in this server (purged, or a forged button), or no such option. */
  | { outcome: 'unknown' };

interface QuizRow {
  id: number;
  guild_id: string;
  channel_id: string;
  message_id: string | null;
  question_id: string;
  prompt: string;
  options: string;
  answer_index: number;
  passage: string;
  opened_at: number;
  closes_at: number;
  closed_at: number | null;
}

function fromRow(row: QuizRow): StoredQuiz {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    messageId: row.message_id,
    questionId: row.question_id,
    prompt: row.prompt,
    options: JSON.parse(row.options) as string[],
    answerIndex: row.answer_index,
    passage: JSON.parse(row.passage) as Passage,
    openedAt: row.opened_at,
    closesAt: row.closes_at,
    closedAt: row.closed_at,
  };
}

/** better-sqlite3's error code for a violated UNIQUE index. */
const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown })?.code === 'SQLITE_CONSTRAINT_UNIQUE';

export class QuizStore {
  readonly #insert;
  readonly #setMessage;
  readonly #get;
  readonly #openIn;
  readonly #open;
  readonly #close;
  readonly #purge;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => number,
  ) {
    this.#insert = db.prepare<[string, string, string, string, string, number, string, number, number]>(
      `INSERT INTO quizzes (guild_id, channel_id, question_id, prompt, options, answer_index, passage, opened_at, closes_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#setMessage = db.prepare<[string, number]>('UPDATE quizzes SET message_id = ? WHERE id = ?');
    this.#get = db.prepare<[number], QuizRow>('SELECT * FROM quizzes WHERE id = ?');
    this.#openIn = db.prepare<[string, string], QuizRow>('SELECT * FROM quizzes WHERE guild_id = ? AND channel_id = ? AND closed_at IS NULL');
    this.#open = db.prepare<[], QuizRow>('SELECT * FROM quizzes WHERE closed_at IS NULL ORDER BY closes_at, id');
    this.#close = db.prepare<[number, number]>('UPDATE quizzes SET closed_at = ? WHERE id = ? AND closed_at IS NULL');
    this.#purge = db.prepare<[number]>('DELETE FROM quizzes WHERE closed_at IS NOT NULL AND closed_at < ?');
  }

  /** Saves a new open quiz; null when the channel already has one open. */
  open(quiz: NewQuiz): StoredQuiz | null {
    const openedAt = quiz.openedAt ?? this.now();
    try {
      const result = this.#insert.run(
        quiz.guildId,
        quiz.channelId,
        quiz.questionId,
        quiz.prompt,
        JSON.stringify(quiz.options),
        quiz.answerIndex,
        JSON.stringify(quiz.passage),
        openedAt,
        quiz.closesAt,
      );
      return this.get(Number(result.lastInsertRowid));
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  setMessage(id: number, messageId: string): void {
    this.#setMessage.run(messageId, id);
  }

  get(id: number): StoredQuiz | null {
    const row = this.#get.get(id);
    return row ? fromRow(row) : null;
  }

  /** The open quiz of a channel, if any (possibly past its closing time, not closed yet). */
  openIn(guildId: string, channelId: string): StoredQuiz | null {
    const row = this.#openIn.get(guildId, channelId);
    return row ? fromRow(row) : null;
  }

  /** Every quiz not closed yet, soonest to close first. */
  openQuizzes(): StoredQuiz[] {
    return this.#open.all().map(fromRow);
  }

  /**
   * Marks the quiz closed and returns it, or null when it was closed already (by another
   * timer, or another process): exactly one caller gets to announce the result.
   */
  close(id: number, at = this.now()): StoredQuiz | null {
    if (this.#close.run(at, id).changes === 0) return null;
    return this.get(id);
  }

  /** Deletes quizzes closed before `before`; their scores stay in quiz_answers. */
  purgeClosedBefore(before: number): number {
    return this.#purge.run(before).changes;
  }
}
