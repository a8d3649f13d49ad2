/**
 * An extractive summary as a Discord message: each sentence quoted word for word with its
 * citation, in document order, over as many embeds as Discord's 6,000-character total
 * allows. Sentences that do not fit are left out, never cut, and the footer says so.
 */
import type { APIEmbed } from 'discord.js';
import type { Passage } from '../../core/types.js';
import { ANSWER_DESCRIPTION_CHARS, COLORS, DISCORD_LIMITS } from '../constants.js';
import type { MessagePayload } from '../respond.js';
import { renderPassage } from './answer.js';
import { truncateWords } from './text.js';
import { NOTHING_TO_SUMMARISE } from '../../core/summarise/summarise.js';

export interface SummaryReplyInput {
  /** e.g. `Summary of “Title”`, plain text. */
  title: string;
  passages: readonly Passage[];
  showDocument: boolean;
}

export function summaryReply({ title, passages, showDocument }: SummaryReplyInput): MessagePayload & { shown: number } {
  const heading = truncateWords(title, DISCORD_LIMITS.embedTitle);
  if (passages.length === 0) {
    return {
      embeds: [{ color: COLORS.refusal, title: heading, description: NOTHING_TO_SUMMARISE }],
      shown: 0,
    };
  }
  const footerRoom = 120;
  let budget = DISCORD_LIMITS.embedsTotal - heading.length - footerRoom;
  const descriptions: string[] = [''];
  let shown = 0;
  for (const p of passages) {
    const block = renderPassage(p, p.quote, showDocument);
    const current = descriptions.at(-1)!;
    const added = current === '' ? block.length : block.length + 2;
    if (added > budget) break;
    if (current.length + added <= ANSWER_DESCRIPTION_CHARS) {
      descriptions[descriptions.length - 1] = current === '' ? block : `${current}\n\n${block}`;
      budget -= added;
    } else if (block.length <= ANSWER_DESCRIPTION_CHARS && descriptions.length < DISCORD_LIMITS.embeds) {
      descriptions.push(block);
      budget -= block.length;
    } else {
      break;
    }
    shown++;
  }
  const left = passages.length - shown;
  const footer = `${shown} ${shown === 1 ? 'sentence' : 'sentences'}, in document order, quoted word for word${left > 0 ? ` · ${left} more did not fit: ask for fewer, or for one section` : ''}`;
  const embeds: APIEmbed[] = descriptions
    .filter((d) => d !== '')
    .map((description, i, all) => ({
      color: COLORS.answer,
      ...(i === 0 ? { title: heading } : {}),
      description,
      ...(i === all.length - 1 ? { footer: { text: footer } } : {}),
    }));
  return { embeds, shown };
}
