import { ApplicationCommandOptionType, MessageFlags } from 'discord.js';
import { performance } from 'node:perf_hooks';
import { answerQuestion, logQuestion } from '../answering.js';
import { deferDelay, withDeadline } from '../deadline.js';
import { answerChannel, questionLength, rateLimit } from '../guards/index.js';
import { send } from '../respond.js';
import { guildSettings } from '../settings.js';
import { defineCommand } from './types.js';

/**
 * `/ask question:<text> [private:<bool>]`: the answer, quoted from the document, with
 * citations. Without `private`, the server's visibility setting decides.
 */
export const ask = defineCommand({
  data: {
    name: 'ask',
    description: 'Ask a question; the answer quotes the document word for word, with citations',
    options: [
      { name: 'question', description: 'What you want to know', type: ApplicationCommandOptionType.String, required: true },
      { name: 'private', description: 'Show the answer only to you (default: as the server chose)', type: ApplicationCommandOptionType.Boolean },
    ],
  },
  guards: [answerChannel, questionLength, rateLimit],
  async execute(interaction, { question, private: asked }, deps) {
    const isPrivate = asked ?? guildSettings(deps, interaction.guildId).visibility === 'private';
    const context = {
      source: 'slash',
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      userId: interaction.user.id,
      receivedAt: performance.now(),
    } as const;
    const result = await withDeadline(
      answerQuestion(deps, question, 0, context),
      deferDelay(interaction.createdTimestamp, deps.config.DEFER_AFTER_MS),
      () => interaction.deferReply(isPrivate ? { flags: MessageFlags.Ephemeral } : {}),
    );
    await send(interaction, result.reply, isPrivate);
    logQuestion(deps, question, result, context);
  },
});
