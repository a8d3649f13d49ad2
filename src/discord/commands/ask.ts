import { ApplicationCommandOptionType } from 'discord.js';
import { answerInteraction } from '../answering.js';
import { answerChannel, questionLength, rateLimit } from '../guards/index.js';
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
    await answerInteraction(interaction, deps, question, { offset: 0, source: 'slash', private: isPrivate });
  },
});
