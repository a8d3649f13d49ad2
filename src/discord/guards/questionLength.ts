import { UserError } from '../errors.js';
import { invocationSettings } from '../settings.js';
import type { Guard } from './index.js';

/**
 * Refuses questions over the server's maximum question length (MAX_QUESTION_LENGTH in DMs
 * and for servers that did not set one). The slash option carries no `max_length`, so the
 * limit can change per server without redeploying the commands.
 */
export const questionLength: Guard = (invocation, ctx) => {
  const length = invocation.question?.length ?? 0;
  const max = invocationSettings(invocation, ctx).maxQuestionLength;
  if (length <= max) return null;
  return new UserError(
    'question-too-long',
    `Your question is ${length.toLocaleString('en')} characters long; I accept up to ${max.toLocaleString('en')}. Please ask something shorter.`,
  );
};
