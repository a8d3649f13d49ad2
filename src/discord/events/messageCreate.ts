/**
 * Questions in channels: a message that mentions the bot is answered with a reply to that
 * message (the mention is not part of the question); in QA_CHANNEL_IDS, every message that
 * reads as a question is answered. Failures are answered in the channel with the error id.
 *
 * Refusals (cooldown, daily cap, a channel where the bot is off) are replies too: a message
 * cannot be answered privately the way an interaction can. They are short and ping nobody.
 */
import { ChannelType, type Message } from 'discord.js';
import { performance } from 'node:perf_hooks';
import { answerQuestion, logQuestion } from '../answering.js';
import { NO_MENTIONS, NO_MENTIONS_REPLY } from '../constants.js';
import { asksForMore, conversationOf, followUpContext, isForumPostStart, threadName } from '../threads.js';
import { guildSettings } from '../settings.js';
import { withDeadline } from '../deadline.js';
import { failureMessage } from '../errors.js';
import { foldWhitespace } from '../format/text.js';
import { answerChannel, questionLength, rateLimit, runGuards, type Guard } from '../guards/index.js';
import type { BotContext } from '../types.js';
import { invocationOfMessage } from './invocation.js';
import { scopedContext } from '../scopedEngine.js';

/** Guards for questions asked in messages (the same as /ask's). */
const messageGuards: readonly Guard[] = [answerChannel, questionLength, rateLimit];
/** "more" is not a new question (like the More passages button): no rate limit. */
const continueGuards: readonly Guard[] = [answerChannel];

/** A thread on the member's message, named after the question (null when threads cannot be made here). */
async function startThread(message: Message<true>, question: string, deps: BotContext) {
  if (message.channel.type !== ChannelType.GuildText) return null;
  try {
    return await message.startThread({ name: threadName(question) });
  } catch (err) {
    deps.logger.warn({ err, guildId: message.guildId, channelId: message.channelId }, 'could not start a thread; answering in the channel');
    return null;
  }
}

const QUESTION_WORDS = /^(who|whom|whose|what|which|when|where|why|how|is|are|was|were|do|does|did|can|could|should|would|will|shall|may|might|has|have|had)\b/i;

/** "Reads as a question": ends with a question mark, or starts with a question word. */
export function readsAsQuestion(text: string): boolean {
  const t = text.trim();
  return t.length > 0 && (/[?？]\s*$/.test(t) || QUESTION_WORDS.test(t));
}

/** The message's text without mentions of the bot. */
export function questionFrom(content: string, botId: string): string {
  return foldWhitespace(content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' '));
}

export function onMessage(context: BotContext): (message: Message) => Promise<void> {
  const qaChannels = new Set(context.config.QA_CHANNEL_IDS);
  return async (message) => {
    let deps = context;
    if (message.author.bot || message.system || !message.inGuild()) return;
    const botId = message.client.user.id;
    const mentioned = message.mentions.has(botId, { ignoreEveryone: true, ignoreRoles: true, ignoreRepliedUser: true });
    const inQaChannel = qaChannels.has(message.channelId) || (message.channel.isThread() && qaChannels.has(message.channel.parentId ?? ''));
    if (!mentioned && !(inQaChannel && readsAsQuestion(message.content))) return;
    // A forum post's first message: the post itself is answered when it is created (threadCreate.ts).
    if (isForumPostStart(message)) return;

    const source = {
      source: mentioned ? 'mention' : 'qa-channel',
      guildId: message.guildId,
      channelId: message.channelId,
      userId: message.author.id,
      receivedAt: performance.now(),
    } as const;
    let question = questionFrom(message.content, botId);
    const conversation = conversationOf(message.channel, botId);
    try {
      if (question === '') {
        await message.reply({ content: 'Ask me a question about the document after the mention, or use `/ask`. `/help` says more.', allowedMentions: NO_MENTIONS_REPLY });
        return;
      }
      deps = await scopedContext(context, { guildId: message.guildId, channelId: message.channelId, parentId: message.channel.isThread() ? message.channel.parentId : null });
      // "more" in a conversation continues its last question: the next passages, no new question.
      let offset = 0;
      let followUpOf = conversation ? followUpContext(message.channel, botId, question) : undefined;
      if (conversation && asksForMore(question)) {
        const last = deps.conversations.get(conversation.threadId) ?? { question: conversation.firstQuestion, next: deps.config.PASSAGES_PER_ANSWER };
        ({ question, next: offset, followUpOf } = { ...last, followUpOf: last.followUpOf });
      }
      const refused = await runGuards(offset > 0 ? continueGuards : messageGuards, invocationOfMessage(message, source.source, question), deps);
      // A Q&A channel where the server switched the bot off: a pointer under every question
      // there would be noise, so say nothing. A mention gets the pointer.
      if (refused?.identifier === 'not-an-answer-channel' && source.source === 'qa-channel') {
        deps.logger.debug({ guildId: message.guildId, channelId: message.channelId }, 'Q&A channel is not an answer channel of its server; ignored');
        return;
      }
      if (refused) throw refused;
      const asked = { ...source, ...(followUpOf ? { followUpOf } : {}) };
      const result = await withDeadline(answerQuestion(deps, question, offset, asked), deps.config.DEFER_AFTER_MS, () =>
        message.channel.sendTyping().catch(() => undefined),
      );
      const next = { question, ...(followUpOf ? { followUpOf } : {}), next: offset + result.reply.shown.length };
      const thread = conversation || !guildSettings(deps, message.guildId).answerInThreads ? null : await startThread(message, question, deps);
      if (thread) {
        await thread.send({ ...result.reply, allowedMentions: NO_MENTIONS });
        deps.conversations.set(thread.id, next);
      } else {
        await message.reply({ ...result.reply, allowedMentions: NO_MENTIONS_REPLY });
        if (conversation) deps.conversations.set(conversation.threadId, next);
      }
      logQuestion(deps, question, result, asked);
    } catch (error) {
      const fields = { interaction: source.source, guildId: message.guildId, channelId: message.channelId, userId: message.author.id, messageId: message.id };
      const content = failureMessage(error, deps.logger, fields);
      await message.reply({ content, allowedMentions: NO_MENTIONS_REPLY }).catch((err: unknown) => deps.logger.warn({ ...fields, err }, 'could not tell the user about a failure'));
    }
  };
}
