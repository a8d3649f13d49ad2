/**
 * The life of a quiz after it is posted: its close is scheduled when it opens, and again at
 * start-up for quizzes still open in storage (overdue ones close at once). Closing marks the
 * quiz closed in storage first (so exactly one timer, or one process, announces it), then
 * edits the quiz message (buttons disabled, the answer with its cited sentence, who got it
 * right) and posts a line under it.
 *
 * The message is edited through the channel, with the bot's token, not the interaction's
 * webhook: interaction tokens expire after 15 minutes and are not worth keeping in a database.
 */
import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import type { StoredQuiz } from '../storage/index.js';
import { NO_MENTIONS } from './constants.js';
import { closedQuizMessage, quizClosedLine } from './format/quiz.js';
import type { Scheduler } from './scheduler.js';
import type { BotDeps } from './types.js';

type CloseReason = 'time' | 'overdue' | 'stale';

export class QuizRunner {
  readonly #timers = new Map<number, () => void>();
  readonly #logger: Logger;

  constructor(
    private readonly deps: Pick<BotDeps, 'storage' | 'engine'> & { logger: Logger; scheduler: Scheduler },
    private readonly client: Client,
  ) {
    this.#logger = deps.logger;
  }

  /** Arms the close of an open quiz at its closing time. */
  schedule(quiz: Pick<StoredQuiz, 'id' | 'closesAt'>): void {
    this.#timers.get(quiz.id)?.();
    this.#timers.set(
      quiz.id,
      this.deps.scheduler.at(quiz.closesAt, () => this.close(quiz.id, 'time')),
    );
  }

  /**
   * After (re)connecting: closes the quizzes of this client's servers that closed while the
   * bot was away, and re-arms the others. Quizzes of servers on other shards are left to them.
   */
  async resume(): Promise<void> {
    const { storage } = this.deps;
    if (!storage) return;
    let open: StoredQuiz[];
    try {
      open = storage.openQuizzes().filter((q) => this.client.guilds.cache.has(q.guildId));
    } catch (err) {
      this.#logger.error({ err }, 'could not read the open quizzes; they will not close by themselves');
      return;
    }
    const now = this.deps.scheduler.now();
    const overdue = open.filter((q) => q.closesAt <= now);
    for (const quiz of open) if (quiz.closesAt > now) this.schedule(quiz);
    if (open.length > 0) {
      this.#logger.info({ event: 'quizzes-resumed', rescheduled: open.length - overdue.length, overdue: overdue.length }, 'open quizzes found at start-up');
    }
    await Promise.all(overdue.map((q) => this.close(q.id, 'overdue')));
  }

  /** Closes and announces a quiz, once. Never throws: failures are logged. */
  async close(quizId: number, reason: CloseReason): Promise<void> {
    this.#timers.get(quizId)?.();
    this.#timers.delete(quizId);
    const { storage } = this.deps;
    if (!storage) return;
    try {
      const quiz = storage.closeQuiz(quizId, this.deps.scheduler.now());
      if (!quiz) return; // closed already, by another timer or process
      const answers = storage.quizAnswers(quiz.guildId, quiz.id);
      const fields = { event: 'quiz-closed', quizId, reason, guildId: quiz.guildId, channelId: quiz.channelId, answered: answers.length, correct: answers.filter((a) => a.correct).length };
      await this.#announce(quiz, answers);
      this.#logger.info(fields, 'quiz closed');
    } catch (err) {
      this.#logger.error({ err, quizId, reason }, 'could not close the quiz');
    }
  }

  /** Cancels every scheduled close (the quizzes stay open in storage for the next start). */
  stop(): void {
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }

  async #announce(quiz: StoredQuiz, answers: ReturnType<NonNullable<BotDeps['storage']>['quizAnswers']>): Promise<void> {
    const channel = await this.client.channels.fetch(quiz.channelId);
    if (!channel?.isTextBased() || !('send' in channel)) throw new Error(`channel ${quiz.channelId} cannot be written to`);
    const showDocument = this.deps.engine.documents().length > 1;
    // The edited quiz shows the answer, its sentence and who got it right: a second message
    // saying the same would be noise. One is posted only when there is no quiz to edit.
    const edited = quiz.messageId
      ? await channel.messages.edit(quiz.messageId, { ...closedQuizMessage(quiz, answers, showDocument), allowedMentions: NO_MENTIONS }).then(
          () => true,
          (err: unknown) => {
            this.#logger.warn({ err, quizId: quiz.id, messageId: quiz.messageId }, 'could not edit the quiz message; posting the result instead');
            return false;
          },
        )
      : false;
    if (!edited) await channel.send({ content: quizClosedLine(quiz, answers, showDocument), allowedMentions: NO_MENTIONS });
  }
}
