/**
 * One way to answer a question, whoever asked and however: /ask, a mention, a Q&A channel,
 * or "More passages". Asks the engine, records the question, builds the reply, and writes
 * the one log line per question.
 */
import { performance } from 'node:perf_hooks';
import type { RepliableInteraction } from 'discord.js';
import type { Answer } from '../core/types.js';
import { askFollowUp } from '../core/answer/followUp.js';
import { followUpContext, threadName } from './threads.js';
import { guildSettings } from './settings.js';
import { ChannelType } from 'discord.js';
import { answerReply, questionHash, type AnswerReply } from './format/answer.js';
import { foldWhitespace } from './format/text.js';
import { printable } from '../core/text/printable.js';
import { UserError } from './errors.js';
import { citedSections } from './format/citation.js';
import { DM_SCOPE, IN_FLIGHT_MESSAGE, memberKey } from './guards/rateLimit.js';
import type { BotContext, BotDeps } from './types.js';
import { withInteractionDeadline } from './deadline.js';
import { send } from './respond.js';

export interface QuestionContext {
  /** How it was asked. */
  source: 'slash' | 'mention' | 'qa-channel' | 'more';
  guildId: string | null;
  channelId: string;
  userId: string;
  /** When the bot received it (performance.now()), for the logged latency. */
  receivedAt: number;
  /** In a conversation thread: its first question, the context of this follow-up. */
  followUpOf?: string;
}

export interface AnsweredQuestion {
  reply: AnswerReply;
  answer: Answer;
  offset: number;
  engineMs: number;
}

/**
 * A new question (offset 0) holds its member's in-flight mark until it is answered and
 * recorded. The mark is tested and taken in one synchronous step before the first `await`,
 * so two questions of one member can never both get past it.
 */
export async function answerQuestion(deps: BotContext, question: string, offset: number, context: QuestionContext): Promise<AnsweredQuestion> {
  const key = offset === 0 ? memberKey(context.guildId, context.userId) : null;
  if (key !== null) {
    if (deps.questionsInFlight.has(key)) throw new UserError('question-in-flight', IN_FLIGHT_MESSAGE);
    deps.questionsInFlight.add(key);
  }
  try {
    const { engine, config } = deps;
    // What is asked is what is echoed (the "Q:" line) and recorded: nothing unprintable.
    const asked = foldWhitespace(printable(question));
    const started = performance.now();
    const options = { top: config.PASSAGES_PER_ANSWER, offset };
    const answer = context.followUpOf ? await askFollowUp(engine, asked, context.followUpOf, options) : await engine.ask(asked, options);
    const engineMs = performance.now() - started;
    const questionId = offset === 0 ? record(deps, asked, answer, context) : 0;
    const reply = answerReply({
      question: asked,
      answer,
      offset,
      top: config.PASSAGES_PER_ANSWER,
      showDocument: engine.documents().length > 1,
      questionId,
    });
    return { reply, answer, offset, engineMs };
  } finally {
    if (key !== null) deps.questionsInFlight.delete(key);
  }
}

/** Storage is a record, not a dependency: a failure is logged and the answer still goes out. */
function record(deps: BotDeps, question: string, answer: Answer, context: QuestionContext): number {
  if (!deps.storage) return 0;
  try {
    // A direct message is not logged (no server's report would show it); only when it was asked, for its rate limit.
    if (!context.guildId) {
      deps.storage.recordAsk(DM_SCOPE, context.userId);
      return 0;
    }
    return deps.storage.recordQuestion({
      guildId: context.guildId,
      channelId: context.channelId,
      userId: context.userId,
      question,
      answered: answer.answered,
      citedSections: citedSections(answer.passages),
      latencyMs: Math.round(performance.now() - context.receivedAt),
    });
  } catch (err) {
    deps.logger.warn({ err, guildId: context.guildId }, 'could not record the question');
    return 0;
  }
}

/** The one line per question: where, who, how fast, answered or refused, what was cited. */
export function logQuestion(deps: BotDeps, question: string, result: AnsweredQuestion, context: QuestionContext): void {
  deps.logger.info(
    {
      event: 'question',
      source: context.source,
      guildId: context.guildId,
      channelId: context.channelId,
      userId: context.userId,
      ms: Math.round((performance.now() - context.receivedAt) * 10) / 10,
      engineMs: Math.round(result.engineMs * 10) / 10,
      answered: result.answer.answered,
      offset: result.offset,
      passages: result.reply.shown.length,
      sections: citedSections(result.reply.shown),
      questionHash: questionHash(question),
      questionLength: question.length,
    },
    result.answer.answered ? 'answered' : 'refused',
  );
}

/**
 * Answers a question asked through an interaction (/ask, "More passages"): within Discord's
 * deadline (deferring when the engine is slow), replied publicly or privately, logged.
 */
export async function answerInteraction(
  interaction: RepliableInteraction,
  deps: BotContext,
  question: string,
  options: { offset: number; source: 'slash' | 'more'; private: boolean },
): Promise<void> {
  const followUpOf = followUpContext(interaction.channel, interaction.client.user.id, foldWhitespace(question));
  const context: QuestionContext = {
    source: options.source,
    guildId: interaction.guildId,
    channelId: interaction.channelId ?? '',
    userId: interaction.user.id,
    receivedAt: performance.now(),
    ...(followUpOf ? { followUpOf } : {}),
  };
  const result = await withInteractionDeadline(interaction, deps.config.DEFER_AFTER_MS, options.private ? 'private' : 'public', answerQuestion(deps, question, options.offset, context));
  await send(interaction, result.reply, options.private);
  logQuestion(deps, question, result, context);
  if (interaction.channel?.isThread()) deps.conversations.set(interaction.channel.id, { question: foldWhitespace(question), ...(followUpOf ? { followUpOf } : {}), next: options.offset + result.reply.shown.length });
  else if (options.source === 'slash' && !options.private) await startConversation(interaction, deps, question, options.offset + result.reply.shown.length);
}

/**
 * With `/config threads` on, a public answer in a text channel becomes the start of a thread
 * named after the question, where follow-ups are answered with it as context. Without the
 * permission to create threads the answer simply stays in the channel.
 */
async function startConversation(interaction: RepliableInteraction, deps: BotContext, question: string, next: number): Promise<void> {
  if (!interaction.guildId || interaction.channel?.type !== ChannelType.GuildText || !guildSettings(deps, interaction.guildId).answerInThreads) return;
  try {
    const reply = await interaction.fetchReply();
    const thread = await reply.startThread({ name: threadName(question) });
    deps.conversations.set(thread.id, { question: foldWhitespace(question), next });
  } catch (err) {
    deps.logger.warn({ err, guildId: interaction.guildId, channelId: interaction.channelId }, 'could not start a thread for the answer');
  }
}
