import { buttonOwnerOnly, guildOnly, needsStorage } from '../guards/index.js';
import { updateMessage } from '../respond.js';
import type { ComponentHandler } from './index.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** /forget-me's "Erase" button: removes the member's questions, feedback and quiz answers in this server. */
export const forgetConfirm: ComponentHandler<'forget'> = {
  kind: 'forget',
  reply: 'update',
  guards: [guildOnly, needsStorage, buttonOwnerOnly],
  async execute(interaction, id, ctx) {
    const guildId = interaction.guildId!;
    const removed = ctx.storage!.forgetMember(guildId, id.userId);
    // What was removed, never what it said.
    ctx.logger.info({ event: 'forget-me', guildId, userId: id.userId, ...removed }, 'member data erased');
    const content = [
      `Done. I erased ${plural(removed.questions, 'question')} you asked here (with the feedback on them), ${plural(removed.feedbackGiven, 'vote')} you gave and ${plural(removed.quizAnswers, 'quiz answer')}.`,
      'Your quiz score in this server starts again from zero.',
    ].join(' ');
    await updateMessage(interaction, { content, embeds: [], components: [] });
  },
};
