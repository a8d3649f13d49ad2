/**
 * Conversations in threads. A thread the bot started for a question is named after it, and a
 * forum post's title is its question, so a thread's name is its first question: follow-ups
 * asked in it are answered with that question as context (core/answer/followUp.ts), and
 * "more" continues the last question asked there.
 */
import { ChannelType, type Channel, type Message } from 'discord.js';
import { DISCORD_LIMITS } from './constants.js';
import { truncateWords } from './format/text.js';

/** A message that only asks for more of the same ("more", "more passages", "next"). */
const MORE = /^(?:more|more passages|next|continue)[\s.!?…]*$/i;

export function asksForMore(question: string): boolean {
  return MORE.test(question.trim());
}

/** The thread's first question when `channel` is a conversation (a thread the bot started, or a forum post), else null. */
export function conversationOf(channel: Channel | null | undefined, botId: string): { threadId: string; firstQuestion: string } | null {
  if (!channel?.isThread()) return null;
  const forumPost = channel.parent?.type === ChannelType.GuildForum;
  if (channel.ownerId !== botId && !forumPost) return null;
  return { threadId: channel.id, firstQuestion: channel.name };
}

/** The first question as context for `question`, unless it is that question. */
export function followUpContext(channel: Channel | null | undefined, botId: string, question: string): string | undefined {
  const conversation = conversationOf(channel, botId);
  if (!conversation || conversation.firstQuestion.trim().toLowerCase() === question.trim().toLowerCase()) return undefined;
  return conversation.firstQuestion;
}

/** A thread's name for a question: Discord allows 1–100 characters. */
export function threadName(question: string): string {
  return truncateWords(question.replace(/\s+/g, ' ').trim(), DISCORD_LIMITS.threadName) || 'Question';
}

/** Where the last question in each conversation got to, for "more". Bounded: the oldest go first. */
export class Conversations {
  readonly #last = new Map<string, { question: string; followUpOf?: string; next: number }>();

  constructor(private readonly capacity = 1000) {}

  get(threadId: string) {
    return this.#last.get(threadId);
  }

  set(threadId: string, value: { question: string; followUpOf?: string; next: number }): void {
    this.#last.delete(threadId);
    this.#last.set(threadId, value);
    for (const key of this.#last.keys()) {
      if (this.#last.size <= this.capacity) break;
      this.#last.delete(key);
    }
  }
}

/** Whether a message starts a forum post (its id is the post's): the post itself is answered on THREAD_CREATE. */
export function isForumPostStart(message: Message): boolean {
  return message.channel.isThread() && message.channel.parent?.type === ChannelType.GuildForum && message.id === message.channelId;
}
