import { guildOnly, needsStorage } from '../guards/index.js';
import { optionLabel } from '../format/quiz.js';
import { escapeMarkdown } from '../format/text.js';
import { discordTime } from '../format/time.js';
import { sendPrivately } from '../respond.js';
import type { ComponentHandler } from './index.js';

/**
 * A member's pick on a quiz: the first one counts (storage decides, in one transaction with
 * the open/closed check), and only that member is told whether it was right.
 */
export const quizAnswer: ComponentHandler<'quiz'> = {
  kind: 'quiz',
  reply: 'private',
  guards: [guildOnly, needsStorage],
  async execute(interaction, id, ctx) {
    const guildId = interaction.guildId!;
    const result = ctx.storage!.answerQuiz(guildId, id.quizId, interaction.user.id, id.option, ctx.scheduler.now());
    ctx.logger.info({ event: 'quiz-answer', quizId: id.quizId, outcome: result.outcome, guildId, channelId: interaction.channelId, userId: interaction.user.id }, 'quiz answer');
    if (result.outcome === 'unknown') return sendPrivately(interaction, 'This quiz is no longer available. Start a new one with /quiz.');
    const { quiz } = result;
    const answer = `**${escapeMarkdown(optionLabel(quiz, quiz.answerIndex))}**`;
    const reveal = `The answer is revealed ${discordTime(quiz.closesAt)}.`;
    switch (result.outcome) {
      case 'correct':
        return sendPrivately(interaction, `✅ Right: ${answer} is the answer. The quiz closes ${discordTime(quiz.closesAt)}.`);
      case 'wrong':
        return sendPrivately(interaction, `❌ Not quite: **${escapeMarkdown(optionLabel(quiz, id.option))}** is not it. ${reveal}`);
      case 'already-answered':
        return sendPrivately(interaction, `You already answered this quiz; your first answer counts. ${reveal}`);
      case 'closed':
        // Past its time but not closed yet (the bot was busy or away): close it now.
        if (quiz.closedAt === null) void ctx.quizzes.close(quiz.id, 'overdue');
        return sendPrivately(interaction, `This quiz has closed. The answer was ${answer}.`);
    }
  },
};
