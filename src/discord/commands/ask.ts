import { ApplicationCommandOptionType, type AutocompleteInteraction } from 'discord.js';
import { answerInteraction } from '../answering.js';
import { DISCORD_LIMITS } from '../constants.js';
import { choiceValue } from '../documentChoice.js';
import { truncateWords } from '../format/text.js';
import { answerChannel, questionLength, rateLimit } from '../guards/index.js';
import { documentEngine } from '../scopedEngine.js';
import { answerVisibility, replyAsAnswer } from '../settings.js';
import { withInteractionDeadline } from '../deadline.js';
import type { BotContext } from '../types.js';
import { defineCommand } from './types.js';

/** The documents that answer here (this server's and, when allowed, the shared ones), by title or file name. */
async function documentChoices(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const typed = String(interaction.options.getFocused()).toLowerCase();
  await interaction.respond(
    ctx.engine
      .documents()
      .filter((d) => `${d.title} ${d.id}`.toLowerCase().includes(typed))
      .slice(0, DISCORD_LIMITS.autocompleteChoices)
      .map((d) => ({ name: truncateWords(d.title === d.id ? d.id : `${d.title} (${d.id})`, DISCORD_LIMITS.choiceName), value: choiceValue(d.id) })),
  );
}

/**
 * `/ask question:<text> [document:<autocomplete>] [private:<bool>]`: the answer, quoted from
 * the documents, with citations. Without `private`, the server's visibility setting decides.
 */
export const ask = defineCommand({
  data: {
    name: 'ask',
    description: 'Ask a question; the answer quotes the document word for word, with citations',
    options: [
      { name: 'question', description: 'What you want to know', type: ApplicationCommandOptionType.String, required: true },
      { name: 'private', description: 'Show the answer only to you (default: as the server chose)', type: ApplicationCommandOptionType.Boolean },
      { name: 'document', description: 'Ask only this document (start typing its title)', type: ApplicationCommandOptionType.String, autocomplete: true },
    ],
  },
  reply: replyAsAnswer,
  guards: [answerChannel, questionLength, rateLimit],
  async execute(interaction, { question, private: asked, document }, deps) {
    const visibility = answerVisibility(deps, interaction.guildId, asked);
    // The one document may have to be loaded too (when the channel's documents did not include it).
    const loading = document !== undefined ? documentEngine(deps, interaction.guildId, document) : undefined;
    const scoped = loading ? { ...deps, engine: await withInteractionDeadline(interaction, deps.config.DEFER_AFTER_MS, visibility, loading) } : deps;
    await answerInteraction(interaction, scoped, question, { offset: 0, source: 'slash', private: visibility === 'private' });
  },
  autocomplete: documentChoices,
});
