/**
 * Discord's limits and the bot's own tuning constants, in one place. The limits are
 * Discord's documented maxima; the fake Discord in test/ refuses anything over them too.
 */
import type { MessageMentionOptions } from 'discord.js';

export const DISCORD_LIMITS = {
  /** Characters of a message's `content`. */
  content: 2000,
  /** Embeds per message. */
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFooter: 2048,
  embedFieldName: 256,
  embedFieldValue: 1024,
  /** Characters of all embeds of one message together (title, description, fields, footer, author). */
  embedsTotal: 6000,
  customId: 100,
  buttonLabel: 80,
  autocompleteChoices: 25,
  choiceName: 100,
  threadName: 100,
  choiceValue: 100,
  /** Discord invalidates an interaction not acknowledged within this long. */
  interactionAckMs: 3000,
  /** String option values (and so questions typed in /ask). */
  stringOption: 6000,
} as const;

/** Characters of one page of /quote and /sections: below the description limit, and easy to read. */
export const PAGE_CHARS = 3000;

/** Budget for one answer embed's description, leaving room for the title and footer. */
export const ANSWER_DESCRIPTION_CHARS = 4000;

/**
 * Embed colours: answered, refused, informational. Each is a mid-tone that stands out from
 * both themes' backgrounds (test/discord/colors.test.ts checks the contrast); 0x2b2d31, used
 * before, is Discord's own dark-theme embed background and showed no border there.
 */
export const COLORS = { answer: 0x5865f2, refusal: 0x99aab5, info: 0x00a8fc } as const;

/** Every message the bot sends: nobody is pinged by what it quotes or repeats. */
export const NO_MENTIONS: Readonly<MessageMentionOptions> = Object.freeze({ parse: [] });

/**
 * Replies to a member's message: the author is not pinged either. The reply is threaded
 * under their message; in a busy Q&A channel a ping per answer would be noise.
 */
export const NO_MENTIONS_REPLY: Readonly<MessageMentionOptions> = Object.freeze({ parse: [], repliedUser: false });
