import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import { VerbatimError } from '../../core/errors.js';
import { isBotOwner, moderatorOnly } from '../guards/index.js';
import { send } from '../respond.js';
import { defineCommand } from './types.js';

/**
 * `/reindex`: re-reads the documents and, when they changed on disk, rebuilds the index in
 * the background while the old one keeps answering, then swaps. For bot owners
 * (BOT_OWNER_IDS) and for moderators: the documents are shared by every server, but this
 * only picks up changes the operator made on disk (it rebuilds nothing when they did not
 * change, and concurrent calls share one rebuild), which a restart would do anyway.
 */
export const reindex = defineCommand({
  data: {
    name: 'reindex',
    description: 'Moderators: re-read the documents and rebuild the index if they changed',
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  },
  reply: 'private',
  guards: [moderatorOnly],
  async execute(interaction, _args, ctx) {
    const fields = { event: 'reindex', guildId: interaction.guildId, userId: interaction.user.id, owner: isBotOwner({ userId: interaction.user.id }, ctx) };
    // A rebuild takes seconds to minutes: acknowledge now, and fill in the result (within the 15 minutes an interaction lives).
    if (!interaction.deferred) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    ctx.logger.info(fields, 'reindex requested');
    let result;
    try {
      result = await ctx.engine.reindex();
    } catch (error) {
      if (!(error instanceof VerbatimError)) throw error;
      ctx.logger.error({ ...fields, code: error.code, err: error }, 'reindex failed; the previous index keeps answering');
      await send(interaction, { content: `Re-indexing failed, so the previous index keeps answering: ${error.message}` }, true);
      return;
    }
    const seconds = (result.ms / 1000).toFixed(1);
    ctx.logger.info({ ...fields, changed: result.changed, ms: Math.round(result.ms), ...result.manifest.counts }, result.changed ? 'index rebuilt and swapped in' : 'documents unchanged; index kept');
    const { documents, sections } = result.manifest.counts;
    await send(
      interaction,
      {
        content: result.changed
          ? `Rebuilt the index in ${seconds} s: ${documents} ${documents === 1 ? 'document' : 'documents'}, ${sections} sections. It is answering now; the old index answered until the swap.`
          : 'The documents have not changed since the index was built: nothing to rebuild.',
      },
      true,
    );
  },
});
