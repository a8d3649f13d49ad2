import { UserError } from '../errors.js';
import type { Guard } from './index.js';

/**
 * Refuses questions over MAX_QUESTION_LENGTH. The slash option carries no `max_length`, so
 * the limit can change (per server, later) without redeploying the commands.
 */
export const questionLength: Guard = (invocation, { config }) => {
  const length = invocation.question?.length ?? 0;
  if (length <= config.MAX_QUESTION_LENGTH) return null;
  return new UserError(
    'question-too-long',
    `Your question is ${length.toLocaleString('en')} characters long; I accept up to ${config.MAX_QUESTION_LENGTH.toLocaleString('en')}. Please ask something shorter.`,
  );
};
