/**
 * /report as an embed: counts, the most asked questions, the unanswered ones (what the
 * document does not cover), the feedback ratio and the most cited sections. Questions are
 * members' text: escaped, cut at a word boundary, and never able to ping anyone.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { AskedQuestion, Report } from '../../storage/index.js';
import { COLORS, DISCORD_LIMITS } from '../constants.js';
import { escapeMarkdown, foldWhitespace, truncateWords } from './text.js';

/** Longest question shown in a list, in characters. */
const QUESTION_CHARS = 120;

/** Numbered lines, as many as fit a field value. */
function listField(name: string, lines: readonly string[], empty: string): APIEmbedField {
  let value = '';
  for (const [i, line] of lines.entries()) {
    const next = `${value}${value ? '\n' : ''}${i + 1}. ${line}`;
    if (next.length > DISCORD_LIMITS.embedFieldValue) break;
    value = next;
  }
  return { name, value: value || empty };
}

function questionLine(q: AskedQuestion): string {
  return `${escapeMarkdown(truncateWords(foldWhitespace(q.question), QUESTION_CHARS))}${q.count > 1 ? ` (×${q.count})` : ''}`;
}

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

export function reportEmbed(report: Report, retentionDays: number): APIEmbed {
  const days = Math.round(report.days);
  const summary =
    report.total === 0
      ? 'No questions in this period.'
      : [
          `**${report.total.toLocaleString('en')}** ${report.total === 1 ? 'question' : 'questions'} from **${report.uniqueMembers}** ${report.uniqueMembers === 1 ? 'member' : 'members'}:`,
          `**${report.answered.toLocaleString('en')}** answered (${percent(report.answered / report.total)}), **${report.refused.toLocaleString('en')}** not covered by the document.`,
          ...(report.averageLatencyMs !== null ? [`Average answer time: ${report.averageLatencyMs.toLocaleString('en')} ms.`] : []),
        ].join('\n');
  const { up, down, ratio } = report.feedback;
  const fields: APIEmbedField[] = [
    listField('Most asked', report.mostAsked.map(questionLine), 'Nothing yet.'),
    listField('Unanswered: what the document does not cover', report.unanswered.map(questionLine), 'None: every question found an answer.'),
    { name: 'Feedback', value: ratio === null ? 'No 👍 / 👎 votes yet.' : `👍 ${up} · 👎 ${down}: ${percent(ratio)} found the answer helpful.`, inline: true },
    listField('Most cited sections', report.bySection.map((s) => `${escapeMarkdown(s.section)} (${s.count})`), 'None yet.'),
  ];
  const beyond = days > retentionDays ? ` Questions older than ${retentionDays} days are deleted, so the report covers at most that.` : '';
  return {
    color: COLORS.info,
    title: `Report: the last ${days} ${days === 1 ? 'day' : 'days'}`,
    description: summary,
    fields,
    footer: { text: `Add csv:True to get every question as a spreadsheet.${beyond}` },
  };
}
