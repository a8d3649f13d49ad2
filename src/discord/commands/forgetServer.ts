import { ApplicationCommandOptionType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { forgetServer as forget } from '../documents/forgetServer.js';
import { UserError } from '../errors.js';
import { guildOnly, moderatorOnly } from '../guards/index.js';
import { send } from '../respond.js';
import { defineCommand } from './types.js';

/** `/forget-server confirm:True`: moderators erase everything the bot keeps about the server. */
export const forgetServer = defineCommand({
  data: {
    name: 'forget-server',
    description: "Moderators: erase this server's documents, settings, question log and quiz scores",
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
    options: [{ name: 'confirm', description: 'True to erase everything; this cannot be undone', type: ApplicationCommandOptionType.Boolean, required: true }],
  },
  reply: 'private',
  guards: [guildOnly, moderatorOnly],
  async execute(interaction, { confirm }, ctx) {
    if (!confirm) throw new UserError('not-confirmed', 'Nothing was erased. Run `/forget-server confirm:True` to erase this server’s documents, settings, question log and quiz scores.');
    const result = await forget(ctx, interaction.guildId!, 'command');
    await send(interaction, { content: `Erased: ${result.documents} ${result.documents === 1 ? 'document' : 'documents'}, ${result.questions} logged ${result.questions === 1 ? 'question' : 'questions'}, the settings and the quiz scores of this server.` }, true);
  },
});
