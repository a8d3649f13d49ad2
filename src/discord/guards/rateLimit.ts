import { UserError } from '../errors.js';
import { formatWait } from '../format/time.js';
import type { Guard } from './index.js';
import { isModerator } from './moderatorOnly.js';

/** The key of a member's in-flight question. */
export const memberKey = (guildId: string | null, userId: string): string => `${guildId ?? DM_SCOPE}:${userId}`;

/**
 * Where direct messages count their rate limit: a scope of their own, with the default
 * cooldown and cap (no server sets it), so a member capped in a server cannot go on asking
 * in direct messages without any limit.
 */
export const DM_SCOPE = 'dm';

export const IN_FLIGHT_MESSAGE = "I'm still answering your previous question. Ask again once it is answered.";

/**
 * One question at a time per member, and the server's cooldown and daily cap (computed by
 * storage from when members asked, so they survive restarts and /forget-me).
 *
 * Moderators are exempt from the cooldown and the cap: they set them, and they need to try
 * the bot after changing the documents. The one-at-a-time rule applies to everyone.
 *
 * The in-flight check closes the gap the storage check leaves: a question counts once it is
 * recorded, after its answer, so two questions sent together would both pass the cooldown.
 * This check refuses early; the one that guarantees it is in `answerQuestion`, which tests
 * and marks the member in flight in one synchronous step.
 */
export const rateLimit: Guard = (invocation, ctx) => {
  if (ctx.questionsInFlight.has(memberKey(invocation.guildId, invocation.userId))) {
    return new UserError('question-in-flight', IN_FLIGHT_MESSAGE);
  }
  if (!ctx.storage || isModerator(invocation, ctx)) return null;
  let decision;
  try {
    decision = ctx.storage.checkRateLimit(invocation.guildId ?? DM_SCOPE, invocation.userId);
  } catch (err) {
    // A limit that cannot be read is not a reason to refuse: answer, and say why in the log.
    ctx.logger.warn({ err, guildId: invocation.guildId }, 'could not check the rate limit; answering anyway');
    return null;
  }
  if (decision.allowed) return null;
  const wait = formatWait(decision.retryAfterSeconds);
  return decision.reason === 'cooldown'
    ? new UserError('cooldown', `You're asking quickly: try again in ${wait}.`)
    : new UserError('daily-cap', `You've reached today's limit of questions ${invocation.guildId ? 'in this server' : 'in direct messages'}. Try again in ${wait} (the limit resets at 00:00 UTC).`);
};
