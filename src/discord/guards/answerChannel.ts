import { UserError } from '../errors.js';
import { invocationSettings } from '../settings.js';
import type { Guard } from './index.js';

/** How many channels a refusal names before "and N more". */
const NAMED_CHANNELS = 5;

/**
 * The server's answer channels (`/config channels`; empty: everywhere). A thread counts as
 * its channel. The refusal points to where the bot answers.
 */
export const answerChannel: Guard = (invocation, ctx) => {
  if (!invocation.guildId) return null;
  const channels = invocationSettings(invocation, ctx).answerChannels;
  if (channels.length === 0 || channels.includes(invocation.channelId)) return null;
  if (invocation.parentChannelId && channels.includes(invocation.parentChannelId)) return null;
  const named = channels.slice(0, NAMED_CHANNELS).map((id) => `<#${id}>`);
  const more = channels.length > NAMED_CHANNELS ? ` and ${channels.length - NAMED_CHANNELS} more` : '';
  return new UserError('not-an-answer-channel', `I don't answer in this channel. Ask me in ${named.join(', ')}${more}.`);
};
