/**
 * Preconditions. A command (or a button, or the mention handler) declares the guards it
 * needs; the dispatcher runs them in order before the handler, and the first refusal is
 * sent to the user privately. Handlers contain no checks of their own.
 *
 * A guard sees only an `Invocation`, the same shape for slash commands, buttons and
 * messages, so one guard (a cooldown, a channel restriction, moderator-only) works for
 * every way of asking.
 */
import type { PermissionsBitField } from 'discord.js';
import type { UserError } from '../errors.js';
import type { BotContext } from '../types.js';

export interface Invocation {
  /** How the bot was reached. */
  kind: 'command' | 'component' | 'message';
  /** The command name (`ask`), the button kind (`more`), or `mention` / `qa-channel`. */
  name: string;
  guildId: string | null;
  channelId: string;
  /** For a thread: the channel it belongs to (answer-channel settings name channels, not threads). */
  parentChannelId?: string | null;
  userId: string;
  /** The member's permissions in the channel; null in DMs or when Discord did not say. */
  memberPermissions: Readonly<PermissionsBitField> | null;
  /** The member's role ids; empty in DMs. */
  roleIds: readonly string[];
  /** The question, for the ways of asking one (`/ask`, mentions, Q&A channels). */
  question?: string;
  /** For a button meant for one member only (a confirmation): that member's id. */
  buttonOwnerId?: string;
}

/** `null`: the invocation may go on. A `UserError`: refuse, telling the user why. */
export type GuardResult = UserError | null;

export type Guard = (invocation: Invocation, ctx: BotContext) => GuardResult | Promise<GuardResult>;

/** Runs `guards` in order; the first refusal wins. */
export async function runGuards(guards: readonly Guard[] | undefined, invocation: Invocation, ctx: BotContext): Promise<GuardResult> {
  for (const guard of guards ?? []) {
    const result = await guard(invocation, ctx);
    if (result) return result;
  }
  return null;
}

export { questionLength } from './questionLength.js';
export { guildOnly, needsStorage, buttonOwnerOnly } from './guildOnly.js';
export { moderatorOnly, isModerator, isBotOwner } from './moderatorOnly.js';
export { answerChannel } from './answerChannel.js';
export { rateLimit } from './rateLimit.js';
