import { ApplicationCommandOptionType } from 'discord.js';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SUMMARY_SENTENCES, MAX_SUMMARY_SENTENCES } from '../../core/limits.js';
import { withInteractionDeadline } from '../deadline.js';
import { summaryReply } from '../format/summary.js';
import { answerChannel } from '../guards/index.js';
import { send } from '../respond.js';
import { answerVisibility, replyAsAnswer } from '../settings.js';
import { resolveSection, sectionAutocomplete } from './sectionChoice.js';
import { defineCommand } from './types.js';

/**
 * `/summary [section:<autocomplete>] [length:<int>] [private:<bool>]`: the most central
 * sentences of the document (or of one section), each quoted word for word with its
 * citation, in document order.
 */
export const summary = defineCommand({
  data: {
    name: 'summary',
    description: 'The key sentences of the document, or of one section, quoted word for word',
    options: [
      { name: 'section', description: 'Only this section (start typing its title)', type: ApplicationCommandOptionType.String, autocomplete: true },
      {
        name: 'length',
        description: `How many sentences (default ${DEFAULT_SUMMARY_SENTENCES})`,
        type: ApplicationCommandOptionType.Integer,
        min_value: 1,
        max_value: MAX_SUMMARY_SENTENCES,
      },
      { name: 'private', description: 'Show the summary only to you (default: as the server chose)', type: ApplicationCommandOptionType.Boolean },
    ],
  },
  reply: replyAsAnswer,
  guards: [answerChannel],
  async execute(interaction, { section, length, private: asked }, ctx) {
    const started = performance.now();
    const target = section !== undefined ? resolveSection(ctx, section) : undefined;
    const visibility = answerVisibility(ctx, interaction.guildId, asked);
    const sentences = length ?? DEFAULT_SUMMARY_SENTENCES;
    const result = await withInteractionDeadline(
      interaction,
      ctx.config.DEFER_AFTER_MS,
      visibility,
      ctx.engine.summarise({ ...(target ? { documentId: target.documentId, section: target.section } : {}), sentences }),
    );
    const documents = ctx.engine.documents();
    const showDocument = documents.length > 1 && !target;
    const title = target
      ? `Summary of §${target.section} ${target.title}${documents.length > 1 ? ` (${target.document})` : ''}`
      : documents.length === 1
        ? `Summary of “${documents[0]!.title}”`
        : `Summary of ${documents.length} documents`;
    const reply = summaryReply({ title, passages: result.passages, showDocument });
    await send(interaction, { embeds: reply.embeds ?? [] }, visibility === 'private');
    ctx.logger.info(
      {
        event: 'summary',
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        userId: interaction.user.id,
        section: target ? `${target.section} ${target.title}` : null,
        sentences,
        shown: reply.shown,
        ms: Math.round(performance.now() - started),
      },
      'summary',
    );
  },
  autocomplete: sectionAutocomplete,
});
