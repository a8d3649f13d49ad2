/**
 * An answer as a Discord message: one embed whose description quotes each passage with its
 * citation, best first, under the question; the document title in the footer; and a row of
 * buttons ("More passages", 👍, 👎).
 *
 * The first line of the description is the question (`**Q:** …`): "More passages" reads it
 * back from the message it was clicked on (see components/customId.ts).
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { Answer, Passage } from '../../core/types.js';
import { ANSWER_DESCRIPTION_CHARS, COLORS, DISCORD_LIMITS } from '../constants.js';
import { encodeCustomId, shortHash } from '../components/customId.js';
import { citation, sectionLabel } from './citation.js';
import { escapeMarkdown, fitSentences, foldWhitespace, truncateWords, unescapeMarkdown } from './text.js';

const QUESTION_PREFIX = '**Q:** ';
/** Longest question line shown; a longer one is cut and cannot be asked again by the button. */
const QUESTION_LINE_MAX = 1200;

export interface AnswerReplyInput {
  /** The question as asked (white space is folded for display and hashing). */
  question: string;
  answer: Answer;
  /** How many passages came before these (0 for the first page). */
  offset: number;
  /** Passages asked for; fewer back means there are no more. */
  top: number;
  /** Name the document in citations (the corpus has several). */
  showDocument: boolean;
  /** The storage row of this question, for feedback (0: not recorded). */
  questionId?: number;
}

export interface AnswerReply {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  /** Passages actually shown (the embed may hold fewer than the engine returned). */
  shown: Passage[];
}

/** The question key the buttons carry: a hash of the question with its white space folded. */
export function questionHash(question: string): string {
  return shortHash(foldWhitespace(question));
}

function questionLine(question: string): { line: string; complete: boolean } {
  const line = QUESTION_PREFIX + escapeMarkdown(question);
  if (line.length <= QUESTION_LINE_MAX) return { line, complete: true };
  return { line: truncateWords(line, QUESTION_LINE_MAX), complete: false };
}

/** The question an answer embed was for, or null when the message is not a complete answer. */
export function readQuestion(embed: { description?: string | null } | undefined): string | null {
  const first = embed?.description?.split('\n', 1)[0];
  if (!first?.startsWith(QUESTION_PREFIX)) return null;
  return unescapeMarkdown(first.slice(QUESTION_PREFIX.length));
}

/** `> ` before every line of an escaped text block. */
export function blockquote(escaped: string): string {
  return escaped
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** A passage as a quoted block (its list lead-in in italics first) and its citation line. */
export function renderPassage(p: Passage, quote: string, showDocument: boolean): string {
  const lead = p.leadIn ? `${blockquote(`*${escapeMarkdown(p.leadIn.quote)}*`)}\n` : '';
  return `${lead}${blockquote(escapeMarkdown(quote))}\n— ${citation(p, showDocument)}`;
}

function footerText(documents: string[], suffix: string): string {
  const names = truncateWords([...new Set(documents)].join(' · '), DISCORD_LIMITS.embedFooter - suffix.length - 1);
  return `${names}${suffix}`;
}

export function answerReply(input: AnswerReplyInput): AnswerReply {
  const question = foldWhitespace(input.question);
  const { line, complete } = questionLine(question);
  const { answer, offset, showDocument } = input;
  const hash = questionHash(question);
  const feedback = feedbackButtons(hash, input.questionId ?? 0);

  if (!answer.answered) {
    const closest = (answer.closestSections ?? []).map((s) => `${sectionLabel(s.section)}${showDocument ? ` (${escapeMarkdown(s.document)})` : ''}`);
    const description = [
      line,
      '',
      escapeMarkdown(answer.reason ?? "The document doesn't seem to answer that."),
      ...(closest.length ? ['', `Closest sections: ${closest.join('; ')}`, 'Try `/quote` with one of them, or ask in other words.'] : []),
    ].join('\n');
    const documents = (answer.closestSections ?? []).map((s) => s.document);
    return {
      embeds: [{ color: COLORS.refusal, description, ...(documents.length ? { footer: { text: footerText(documents, '') } } : {}) }],
      components: [{ type: ComponentType.ActionRow, components: feedback }],
      shown: [],
    };
  }

  if (answer.passages.length === 0) {
    return {
      embeds: [{ color: COLORS.refusal, description: `${line}\n\nNo more passages for this question.` }],
      components: [],
      shown: [],
    };
  }

  // Passages best first, as many as fit; the last one may be cut at a sentence boundary.
  const blocks: string[] = [];
  const shown: Passage[] = [];
  let used = line.length;
  for (const p of answer.passages) {
    const room = ANSWER_DESCRIPTION_CHARS - used - 2; // the blank line before the block
    const block = fitSentences(p.quote, room, (q) => renderPassage(p, q, showDocument));
    if (block === null) break;
    blocks.push(block);
    shown.push(p);
    used += block.length + 2;
    if (block.length < renderPassage(p, p.quote, showDocument).length) break;
  }
  const first = offset + 1;
  const last = offset + shown.length;
  const range = first === last ? `passage ${first}` : `passages ${first}–${last}`;
  const embed: APIEmbed = {
    color: COLORS.answer,
    ...sourceTitle(shown),
    description: [line, ...blocks].join('\n\n'),
    footer: { text: footerText(shown.map((p) => p.document), ` · ${range}`) },
  };
  const mayHaveMore = complete && (answer.passages.length >= input.top || shown.length < answer.passages.length);
  const more: APIButtonComponent[] = mayHaveMore
    ? [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'More passages', custom_id: encodeCustomId({ kind: 'more', offset: last, questionHash: hash }) }]
    : [];
  return { embeds: [embed], components: [{ type: ComponentType.ActionRow, components: [...more, ...feedback] }, contextButtons(shown, offset)], shown };
}

/** The title links to where the best passage's document can be read, when it says so. */
function sourceTitle(shown: readonly Passage[]): Pick<APIEmbed, 'title' | 'url'> {
  const best = shown[0];
  if (!best?.source || !/^https?:\/\//i.test(best.source)) return {};
  return { title: truncateWords(best.document, DISCORD_LIMITS.embedTitle), url: best.source };
}

/** "In context" for each passage shown: its paragraph with the ones around it, privately. */
function contextButtons(shown: readonly Passage[], offset: number): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: shown.slice(0, 5).map((p, i) => ({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: `Show ${offset + i + 1} in context`,
      custom_id: encodeCustomId({ kind: 'context', documentHash: shortHash(p.documentId, 8), section: p.section.number, paragraph: p.paragraph, start: p.start, end: p.end }),
    })),
  };
}

function feedbackButtons(questionHash: string, questionId: number): APIButtonComponent[] {
  return (['up', 'down'] as const).map((vote) => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    emoji: { name: vote === 'up' ? '👍' : '👎' },
    custom_id: encodeCustomId({ kind: 'feedback', vote, questionHash, questionId }),
  }));
}
