/**
 * Button handlers, by the kind of their custom_id. Like commands, each declares its guards;
 * the dispatcher decodes the id, runs the guards, and calls `execute`.
 */
import type { ButtonInteraction } from 'discord.js';
import { contextEmbed } from '../format/context.js';
import { answerInteraction } from '../answering.js';
import { VerbatimError } from '../../core/errors.js';
import { contentsPage } from '../commands/sections.js';
import { quotePage } from '../commands/quote.js';
import { readQuestion, questionHash } from '../format/answer.js';
import type { Guard } from '../guards/index.js';
import { send, sendPrivately, updateMessage } from '../respond.js';
import type { LateAcknowledgement } from '../deadline.js';
import type { BotContext } from '../types.js';
import { shortHash, type CustomId } from './customId.js';
import { forgetConfirm } from './forgetConfirm.js';
import { quizAnswer } from './quizAnswer.js';

export interface ComponentHandler<K extends CustomId['kind'] = CustomId['kind']> {
  kind: K;
  /**
   * How the dispatcher acknowledges the click when loading the server's documents is slow:
   * a private "thinking…" for a private reply, or 'update' (deferUpdate) for a button that
   * edits its own message.
   */
  reply: LateAcknowledgement;
  guards?: readonly Guard[];
  execute(interaction: ButtonInteraction, id: Extract<CustomId, { kind: K }>, ctx: BotContext): Promise<void>;
}

export const EXPIRED = {
  answer: 'This button has expired. Please ask again with /ask.',
  quote: 'This button has expired (the document changed since). Please run /quote again.',
  sections: 'This button has expired (the document changed since). Please run /sections again.',
  context: 'This button has expired (the document changed since). Please ask again.',
} as const;

/** "More passages": the next passages for the question on the message, privately to whoever clicked. */
const more: ComponentHandler<'more'> = {
  kind: 'more',
  reply: 'private',
  async execute(interaction, id, deps) {
    const question = readQuestion(interaction.message.embeds[0]);
    if (question === null || questionHash(question) !== id.questionHash) return sendPrivately(interaction, EXPIRED.answer);
    await answerInteraction(interaction, deps, question, { offset: id.offset, source: 'more', private: true });
  },
};

/** 👍 / 👎: acknowledged privately, logged, and recorded when the question was. */
const feedback: ComponentHandler<'feedback'> = {
  kind: 'feedback',
  reply: 'private',
  async execute(interaction, id, deps) {
    let recorded = false;
    if (deps.storage && id.questionId > 0) {
      try {
        recorded = deps.storage.recordFeedback(id.questionId, interaction.user.id, id.vote);
      } catch (err) {
        deps.logger.warn({ err, questionId: id.questionId }, 'could not record feedback');
      }
    }
    deps.logger.info(
      {
        event: 'feedback',
        vote: id.vote,
        questionHash: id.questionHash,
        questionId: id.questionId || null,
        recorded,
        messageId: interaction.message.id,
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        userId: interaction.user.id,
      },
      'feedback',
    );
    await sendPrivately(interaction, id.vote === 'up' ? 'Thanks! Glad the quotes helped. 👍' : 'Thanks for telling us. 👎 noted: we use this to improve the answers.');
  },
};

/** Previous / Next on /quote: the page replaces the message's content. */
const quoteNavigation: ComponentHandler<'quote-page'> = {
  kind: 'quote-page',
  reply: 'update',
  async execute(interaction, id, deps) {
    const document = deps.engine.documents().find((d) => shortHash(d.id, 8) === id.documentHash);
    let payload = null;
    try {
      payload = document ? quotePage(deps, { documentId: document.id, section: id.section, paragraph: id.paragraph }, id.page, id.textHash) : null;
    } catch (error) {
      // The section or document is gone since the button was made: it expired. Anything else is a bug.
      if (!(error instanceof VerbatimError) || (error.code !== 'UNKNOWN_SECTION' && error.code !== 'UNKNOWN_DOCUMENT')) throw error;
      payload = null;
    }
    if (!payload) return sendPrivately(interaction, EXPIRED.quote);
    await updateMessage(interaction, payload);
  },
};

const sectionsNavigation: ComponentHandler<'sections-page'> = {
  kind: 'sections-page',
  reply: 'update',
  async execute(interaction, id, deps) {
    const payload = contentsPage(deps, id.page, id.textHash);
    if (!payload) return sendPrivately(interaction, EXPIRED.sections);
    await updateMessage(interaction, payload);
  },
};

/** "Show N in context": the quote's paragraph with its neighbours, privately to whoever clicked. */
const context: ComponentHandler<'context'> = {
  kind: 'context',
  reply: 'private',
  async execute(interaction, id, deps) {
    const document = deps.engine.documents().find((d) => shortHash(d.id, 8) === id.documentHash);
    let embed = null;
    try {
      const blocks = document ? deps.engine.sectionText(document.id, id.section) : [];
      embed = document ? contextEmbed(blocks, id.paragraph, id.start, id.end, (start, end) => deps.engine.textAt?.(document.id, start, end)) : null;
    } catch (error) {
      if (!(error instanceof VerbatimError) || (error.code !== 'UNKNOWN_SECTION' && error.code !== 'UNKNOWN_DOCUMENT')) throw error;
    }
    if (!embed) return sendPrivately(interaction, EXPIRED.context);
    await send(interaction, { embeds: [embed] }, true);
  },
};

export const componentHandlers: { [K in CustomId['kind']]: ComponentHandler<K> } = {
  more,
  feedback,
  'quote-page': quoteNavigation,
  'sections-page': sectionsNavigation,
  quiz: quizAnswer,
  forget: forgetConfirm,
  context,
};
