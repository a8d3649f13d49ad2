/**
 * Quizzes as Discord messages: the open question (the sentence with its blank, four
 * buttons), the same message once closed (buttons disabled, the answer highlighted, the
 * whole sentence quoted with its citation, who got it right), and the closing line posted
 * under it. Members are named with `<@id>`; every message goes out with
 * `allowedMentions: { parse: [] }`, so nobody is pinged.
 */
import { ButtonStyle, ComponentType, type APIButtonComponent } from 'discord.js';
import type { QuizAnswer, StoredQuiz } from '../../storage/index.js';
import { COLORS, DISCORD_LIMITS } from '../constants.js';
import { encodeCustomId } from '../components/customId.js';
import type { MessagePayload } from '../respond.js';
import { blockquote, renderPassage } from './answer.js';
import { escapeMarkdown, truncateWords } from './text.js';
import { discordTime } from './time.js';

const LETTERS = 'ABCDEFGH';
/** Members named in a result before "and N more": keeps the message far below Discord's limits. */
const NAMED_MEMBERS = 40;

/** `C. Kabul`: an option as its letter and text, for buttons and results. */
export function optionLabel(quiz: Pick<StoredQuiz, 'options'>, index: number): string {
  return `${LETTERS[index] ?? index + 1}. ${quiz.options[index]}`;
}

function buttons(quiz: StoredQuiz, closed: boolean): APIButtonComponent[] {
  return quiz.options.map((_, i) => ({
    type: ComponentType.Button,
    style: closed && i === quiz.answerIndex ? ButtonStyle.Success : ButtonStyle.Secondary,
    label: truncateWords(optionLabel(quiz, i), DISCORD_LIMITS.buttonLabel),
    custom_id: encodeCustomId({ kind: 'quiz', quizId: quiz.id, option: i }),
    ...(closed ? { disabled: true } : {}),
  }));
}

function footer(quiz: StoredQuiz): { text: string } {
  return { text: truncateWords(`${quiz.passage.document} · quiz #${quiz.id}`, DISCORD_LIMITS.embedFooter) };
}

/** The open quiz. */
export function quizMessage(quiz: StoredQuiz): MessagePayload {
  return {
    embeds: [
      {
        color: COLORS.answer,
        title: 'Quiz: fill in the blank',
        description: [
          blockquote(escapeMarkdown(quiz.prompt)),
          '',
          `Pick the missing words below; your first pick counts, and only you see whether it was right. The answer is revealed ${discordTime(quiz.closesAt)}.`,
        ].join('\n'),
        footer: footer(quiz),
      },
    ],
    components: [{ type: ComponentType.ActionRow, components: buttons(quiz, false) }],
  };
}

/** `<@a>, <@b> and 3 more`. */
function members(userIds: readonly string[]): string {
  const named = userIds.slice(0, NAMED_MEMBERS).map((id) => `<@${id}>`);
  const more = userIds.length - named.length;
  return `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** Who got it right, in one line. */
function resultSummary(answers: readonly QuizAnswer[]): string {
  const right = answers.filter((a) => a.correct).map((a) => a.userId);
  if (answers.length === 0) return 'Nobody answered this time.';
  if (right.length === 0) return `Nobody got it right this time (${answers.length} answered).`;
  return `${right.length} of ${answers.length} got it right: ${members(right)}.`;
}

/** The quiz message once closed: the answer, its sentence and citation, who got it right. */
export function closedQuizMessage(quiz: StoredQuiz, answers: readonly QuizAnswer[], showDocument: boolean): MessagePayload {
  return {
    embeds: [
      {
        color: COLORS.info,
        title: 'Quiz: closed',
        description: [
          blockquote(escapeMarkdown(quiz.prompt)),
          '',
          `**Answer: ${escapeMarkdown(optionLabel(quiz, quiz.answerIndex))}**`,
          renderPassage(quiz.passage, quiz.passage.quote, showDocument),
          '',
          resultSummary(answers),
        ].join('\n'),
        footer: footer(quiz),
      },
    ],
    components: [{ type: ComponentType.ActionRow, components: buttons(quiz, true) }],
  };
}

/** The message posted under the quiz when it closes: the answer, the sentence it comes from with its citation, who got it right. */
export function quizClosedLine(quiz: StoredQuiz, answers: readonly QuizAnswer[], showDocument: boolean): string {
  return truncateWords(
    [
      `**Quiz closed.** The answer was **${escapeMarkdown(optionLabel(quiz, quiz.answerIndex))}**:`,
      renderPassage(quiz.passage, quiz.passage.quote, showDocument),
      resultSummary(answers),
    ].join('\n'),
    DISCORD_LIMITS.content,
  );
}
