/**
 * A new post in a forum channel where the bot answers is answered in the post, with the
 * post's title (and its first message, when the bot may read it) as the question. Forum posts
 * are questions by design, so this is on whenever the forum is an answer channel.
 */
import { ChannelType, type AnyThreadChannel } from 'discord.js';
import { performance } from 'node:perf_hooks';
import { answerQuestion, logQuestion, type QuestionContext } from '../answering.js';
import { NO_MENTIONS } from '../constants.js';
import { failureMessage, UserError } from '../errors.js';
import { foldWhitespace } from '../format/text.js';
import { scopedContext } from '../scopedEngine.js';
import { guildSettings } from '../settings.js';
import { rateLimit, runGuards } from '../guards/index.js';
import { invocationOfForumPost } from './invocation.js';
import type { BotContext } from '../types.js';

export function onThreadCreate(context: BotContext): (thread: AnyThreadChannel, newlyCreated: boolean) => Promise<void> {
  return async (thread, newlyCreated) => {
    const botId = thread.client.user.id;
    if (!newlyCreated || thread.ownerId === botId || thread.parent?.type !== ChannelType.GuildForum) return;
    const channels = guildSettings(context, thread.guildId).answerChannels;
    if (channels.length > 0 && !channels.includes(thread.parentId ?? '')) return;

    const source: QuestionContext = { source: 'qa-channel', guildId: thread.guildId, channelId: thread.id, userId: thread.ownerId ?? '', receivedAt: performance.now() };
    const fields = { interaction: 'forum-post', guildId: thread.guildId, channelId: thread.id, userId: thread.ownerId };
    try {
      // The body, when readable (it is blank without the MessageContent intent unless it mentions the bot).
      const starter = await thread.fetchStarterMessage().catch(() => null);
      const body = starter ? foldWhitespace(starter.content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ')) : '';
      const question = foldWhitespace(`${thread.name}${body && !body.toLowerCase().startsWith(thread.name.toLowerCase()) ? ` ${body}` : ''}`).slice(0, guildSettings(context, thread.guildId).maxQuestionLength);
      const deps = await scopedContext(context, { guildId: thread.guildId, channelId: thread.id, parentId: thread.parentId });
      // A post is a question like any other: the cooldown and daily cap apply (moderators are exempt, so their roles count).
      const member = thread.ownerId ? await thread.guild.members.fetch(thread.ownerId).catch(() => null) : null;
      const refused = await runGuards([rateLimit], invocationOfForumPost(thread, member, question), deps);
      if (refused) throw refused;
      const result = await answerQuestion(deps, question, 0, source);
      await thread.send({ ...result.reply, allowedMentions: NO_MENTIONS });
      context.conversations.set(thread.id, { question, next: result.reply.shown.length });
      logQuestion(deps, question, result, source);
    } catch (error) {
      // A post is asked once, when it is made: a member refused for a limit asks again by mentioning the bot in it.
      const limited = error instanceof UserError && (error.identifier === 'cooldown' || error.identifier === 'daily-cap');
      const content = `${failureMessage(error, context.logger, fields)}${limited ? ' Then mention me in this post to ask again.' : ''}`;
      await thread.send({ content, allowedMentions: NO_MENTIONS }).catch((err: unknown) => context.logger.warn({ ...fields, err }, 'could not answer a forum post'));
    }
  };
}
