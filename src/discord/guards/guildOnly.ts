import { UserError } from '../errors.js';
import type { Guard } from './index.js';

/** Settings, reports, quizzes and scores are per server: not in direct messages. */
export const guildOnly: Guard = (invocation) =>
  invocation.guildId ? null : new UserError('guild-only', 'This command works in a server, not in direct messages.');

/** For what needs storage (settings, quizzes, scores, reports). */
export const needsStorage: Guard = (_invocation, ctx) =>
  ctx.storage ? null : new UserError('no-storage', 'This is switched off on this bot: it runs without its database (DATA_DIR).');

/** A button meant for one member (e.g. /forget-me's confirmation) does nothing for anyone else. */
export const buttonOwnerOnly: Guard = (invocation) =>
  invocation.buttonOwnerId === undefined || invocation.buttonOwnerId === invocation.userId
    ? null
    : new UserError('not-your-button', 'This button is for the member who asked for it.');
