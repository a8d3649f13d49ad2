/**
 * Failures, in one place. A `UserError` is expected (a guard said no, a section does not
 * exist): the user gets its message privately and nothing is logged as an error. Anything
 * else is a bug or an outage: it is logged with a short error id, and the user gets a
 * private apology carrying the same id.
 */
import { randomBytes } from 'node:crypto';
import { VerbatimError, type VerbatimErrorCode } from '../core/errors.js';
import type { Logger } from 'pino';
import { DISCORD_LIMITS } from './constants.js';
import { truncateWords } from './format/text.js';

export class UserError extends Error {
  override readonly name = 'UserError';

  constructor(
    /** Stable identifier for logs and tests, e.g. `question-too-long`. */
    readonly identifier: string,
    /** What the user reads: one or two sentences, no markdown from user input. */
    message: string,
  ) {
    super(message);
  }
}

/** Engine errors that are about what the user typed, not about the bot. */
const USER_FACING: ReadonlySet<VerbatimErrorCode> = new Set(['EMPTY_QUESTION', 'QUESTION_TOO_LONG', 'UNKNOWN_SECTION', 'UNKNOWN_DOCUMENT']);

/** The error as a UserError when the user can act on it, else undefined. */
function asUserError(error: unknown): UserError | undefined {
  if (error instanceof UserError) return error;
  if (error instanceof VerbatimError && USER_FACING.has(error.code)) return new UserError(error.code.toLowerCase().replaceAll('_', '-'), error.message);
  return undefined;
}

/** 8 hex characters: short enough to read out, unique enough to find in a day of logs. */
export function newErrorId(): string {
  return randomBytes(4).toString('hex');
}

export function apology(errorId: string): string {
  return `Sorry, something went wrong on my side and I could not answer. Please try again in a moment. (error id \`${errorId}\`)`;
}

/**
 * What to tell the user about `error`, logged the matching way: an expected refusal at info,
 * anything else at error with a new error id that the apology repeats.
 */
export function failureMessage(error: unknown, logger: Pick<Logger, 'info' | 'error'>, fields: Record<string, unknown>): string {
  const expected = asUserError(error);
  if (expected) {
    logger.info({ ...fields, refused: expected.identifier }, 'refused');
    return truncateWords(expected.message, DISCORD_LIMITS.content);
  }
  const errorId = newErrorId();
  logger.error({ ...fields, errorId, err: error }, 'failed');
  return apology(errorId);
}
