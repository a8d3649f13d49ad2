import { ApplicationCommandOptionType, InteractionContextType, PermissionFlagsBits, type AutocompleteInteraction } from 'discord.js';
import { COLORS, DISCORD_LIMITS } from '../constants.js';
import { choiceValue, chosenDocument } from '../documentChoice.js';
import { libraryOf, megabytes, uploadDocument } from '../documents/uploadDocument.js';
import { UserError } from '../errors.js';
import { escapeMarkdown, markdownLink, truncateWords } from '../format/text.js';
import { discordTime } from '../format/time.js';
import { guildOnly, moderatorOnly } from '../guards/index.js';
import { send } from '../respond.js';
import { guildSettings } from '../settings.js';
import type { BotContext } from '../types.js';
import { defineCommand } from './types.js';

const { Subcommand, Attachment, String: Str } = ApplicationCommandOptionType;

/** Autocomplete for a `document` option: this server's own documents, by title or file name. */
export async function ownDocumentChoices(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const typed = String(interaction.options.getFocused()).toLowerCase();
  const documents = ctx.library && interaction.guildId ? ctx.library.list(interaction.guildId) : [];
  await interaction.respond(
    documents
      .filter((d) => `${d.title} ${d.id}`.toLowerCase().includes(typed))
      .slice(0, DISCORD_LIMITS.autocompleteChoices)
      .map((d) => ({ name: truncateWords(`${d.title} (${d.id})${d.status === 'indexing' ? ' · indexing' : ''}`, DISCORD_LIMITS.choiceName), value: choiceValue(d.id) })),
  );
}

/**
 * `/documents add|list|remove`: the server's own reading, for moderators (checked on every
 * use). Members ask about it with /ask like about any document.
 */
export const documents = defineCommand({
  data: {
    name: 'documents',
    description: "Moderators: this server's own documents (PDF, Word, web page, text)",
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
    options: [
      {
        name: 'add',
        description: 'Add a document: members can then ask about it',
        type: Subcommand,
        options: [
          { name: 'file', description: 'A .pdf, .docx, .html, .md or .txt file', type: Attachment, required: true },
          { name: 'source', description: 'Where it can be read online (default: the message with the file)', type: Str, max_length: 500 },
        ],
      },
      { name: 'list', description: "This server's documents", type: Subcommand },
      {
        name: 'remove',
        description: 'Remove a document and its index',
        type: Subcommand,
        options: [{ name: 'document', description: 'Start typing its title', type: Str, required: true, autocomplete: true }],
      },
    ],
  },
  // An upload's reply is public (members can open the file); the list and removals are for the moderator.
  reply: (args) => (args.subcommand === 'add' ? 'public' : 'private'),
  guards: [guildOnly, moderatorOnly],
  async execute(interaction, args, ctx) {
    const library = libraryOf(ctx);
    const guildId = interaction.guildId!;
    switch (args.subcommand) {
      case 'add':
        return uploadDocument(interaction, ctx, args.source);
      case 'list': {
        const list = library.list(guildId);
        const settings = guildSettings(ctx, guildId);
        const lines = list.map(
          (d, i) =>
            `${i + 1}. **${escapeMarkdown(d.title)}** (${escapeMarkdown(d.id)}, ${megabytes(d.bytes)})${d.status === 'indexing' ? ' · indexing…' : ''} · added ${discordTime(d.addedAt)}${d.source ? ` · ${markdownLink('source', d.source)}` : ''}`,
        );
        const description = list.length
          ? truncateWords(lines.join('\n'), 4000)
          : 'No documents yet. Add one with `/documents add file:`.';
        const shared = settings.sharedCorpus ? `The bot's shared documents (${ctx.engine.documents().length}) answer here too; \`/config shared-corpus\` turns them off.` : "Only this server's documents answer here.";
        await send(interaction, { embeds: [{ color: COLORS.info, title: `Documents of this server (${list.length}/${ctx.config.DOCUMENTS_PER_SERVER})`, description, footer: { text: shared.replace(/`/g, '') } }] }, true);
        return;
      }
      case 'remove': {
        let removed;
        try {
          removed = await library.remove(guildId, chosenDocument(library.list(guildId), args.document)?.id ?? args.document);
        } catch (error) {
          throw new UserError('unknown-document', `There is no document “${escapeMarkdown(args.document)}” in this server. Pick one from the list as you type.`);
        }
        // Channels bound to it no longer are.
        const bindings = guildSettings(ctx, guildId).channelDocuments;
        if (Object.values(bindings).some((ids) => ids.includes(removed.id))) {
          const kept: Record<string, string[]> = {};
          for (const [channel, ids] of Object.entries(bindings)) {
            const left = ids.filter((id) => id !== removed.id);
            if (left.length > 0) kept[channel] = left;
          }
          ctx.storage?.updateSettings(guildId, { channelDocuments: kept });
        }
        ctx.logger.info({ event: 'document-removed', guildId, userId: interaction.user.id }, 'document removed');
        await send(interaction, { content: `Removed “${escapeMarkdown(removed.title)}” (${escapeMarkdown(removed.id)}) and its index.` }, true);
        return;
      }
    }
  },
  autocomplete: ownDocumentChoices,
});
