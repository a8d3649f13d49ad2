import { ButtonStyle, ComponentType, InteractionContextType } from 'discord.js';
import { encodeCustomId } from '../components/customId.js';
import { guildOnly, needsStorage } from '../guards/index.js';
import { send } from '../respond.js';
import { defineCommand } from './types.js';

/**
 * `/forget-me`: erases the member's questions (with the feedback on them), the votes they
 * gave and their quiz answers in this server, after a confirmation only they can press.
 */
export const forgetMe = defineCommand({
  data: { name: 'forget-me', description: 'Erase your questions, feedback and quiz scores in this server', contexts: [InteractionContextType.Guild] },
  reply: 'private',
  guards: [guildOnly, needsStorage],
  async execute(interaction, _args, _ctx) {
    const content = [
      'This erases, in this server: every question you asked me (and the 👍/👎 on my answers to them), the votes you gave, and your quiz answers and score.',
      'Messages already posted in channels stay; delete them yourself if you want. When you asked (not what) is kept for about two days, so the question limits still apply. This cannot be undone.',
    ].join('\n');
    await send(
      interaction,
      {
        content,
        components: [
          {
            type: ComponentType.ActionRow,
            components: [{ type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Erase my data', custom_id: encodeCustomId({ kind: 'forget', userId: interaction.user.id }) }],
          },
        ],
      },
      true,
    );
  },
});
