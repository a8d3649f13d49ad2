import { randomInt } from 'node:crypto';
import { ApplicationCommandOptionType, InteractionContextType } from 'discord.js';
import { NO_MENTIONS } from '../constants.js';
import { UserError } from '../errors.js';
import { quizMessage } from '../format/quiz.js';
import { discordTime } from '../format/time.js';
import { withInteractionDeadline } from '../deadline.js';
import { answerChannel, guildOnly, needsStorage } from '../guards/index.js';
import { guildSettings } from '../settings.js';
import { resolveSection, sectionAutocomplete } from './sectionChoice.js';
import { defineCommand } from './types.js';

/**
 * `/quiz [section:<autocomplete>]`: posts a multiple-choice question made from the document
 * (a key sentence with a key term blanked, four options as buttons). One open quiz per
 * channel; it closes after the server's quiz duration, and the bot posts the answer.
 *
 * The quiz is saved before it is posted (its buttons carry its id) and its message id right
 * after, so a restart finds it, closes it if it is overdue, and otherwise re-arms its timer.
 */
export const quiz = defineCommand({
  data: {
    name: 'quiz',
    description: 'Post a multiple-choice question about the document; everyone can answer',
    options: [{ name: 'section', description: 'Ask about this section only (start typing its title)', type: ApplicationCommandOptionType.String, autocomplete: true }],
    contexts: [InteractionContextType.Guild],
  },
  reply: 'public',
  guards: [guildOnly, needsStorage, answerChannel],
  async execute(interaction, { section }, ctx) {
    const storage = ctx.storage!;
    const guildId = interaction.guildId!;
    const channelId = interaction.channelId;
    const target = section !== undefined ? resolveSection(ctx, section) : undefined;

    // A quiz past its time that was never closed (the bot was away) makes way for the new one.
    const running = storage.openQuizIn(guildId, channelId);
    if (running && running.closesAt <= ctx.scheduler.now()) await ctx.quizzes.close(running.id, 'stale');
    else if (running) throw new UserError('quiz-running', `A quiz is already running in this channel; it closes ${discordTime(running.closesAt)}.`);

    // A quiz of a large document can take seconds: past DEFER_AFTER_MS the reply is deferred ("thinking…").
    const making = Promise.resolve().then(() => ctx.engine.quiz({ ...(target ? { documentId: target.documentId, section: target.section } : {}), seed: randomInt(2 ** 31) }));
    const question = await withInteractionDeadline(interaction, ctx.config.DEFER_AFTER_MS, 'public', making);
    if (!question) {
      throw new UserError('no-quiz', target ? 'I could not make a question from that section (it is too short). Try another section, or no section.' : 'I could not make a question from this document.');
    }
    const { quizDurationSeconds } = guildSettings(ctx, guildId);
    const saved = storage.openQuiz({
      guildId,
      channelId,
      questionId: question.id,
      prompt: question.prompt,
      options: question.options,
      answerIndex: question.answerIndex,
      passage: question.passage,
      openedAt: ctx.scheduler.now(),
      closesAt: ctx.scheduler.now() + quizDurationSeconds * 1000,
    });
    // Two /quiz at once: the database let only one open.
    if (!saved) throw new UserError('quiz-running', 'A quiz is already running in this channel.');

    let messageId: string | undefined;
    try {
      if (interaction.deferred) {
        messageId = (await interaction.editReply({ ...quizMessage(saved), allowedMentions: NO_MENTIONS })).id;
      } else {
        const response = await interaction.reply({ ...quizMessage(saved), allowedMentions: NO_MENTIONS, withResponse: true });
        messageId = response.resource?.message?.id;
      }
    } catch (error) {
      storage.closeQuiz(saved.id);
      throw error;
    }
    if (messageId) storage.setQuizMessage(saved.id, messageId);
    ctx.quizzes.schedule(saved);
    ctx.logger.info(
      { event: 'quiz-opened', quizId: saved.id, questionId: question.id, guildId, channelId, userId: interaction.user.id, durationSeconds: quizDurationSeconds },
      'quiz opened',
    );
  },
  autocomplete: sectionAutocomplete,
});
