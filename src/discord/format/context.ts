/**
 * "Show in context": the quoted paragraph between the paragraphs around it, each with its ¶
 * number, the quote in bold, so a reader can see what comes before and after and find the
 * place in the original.
 */
import type { APIEmbed } from 'discord.js';
import type { Passage } from '../../core/types.js';
import { COLORS, DISCORD_LIMITS } from '../constants.js';
import { citation } from './citation.js';
import { escapeMarkdown, foldWhitespace, truncateWords } from './text.js';

/** Paragraphs shown before and after the quoted one. */
export const CONTEXT_PARAGRAPHS = 1;
/** Characters of a neighbouring paragraph shown before it is cut. */
const NEIGHBOUR_CHARS = 900;

/**
 * `blocks`: the section's paragraphs (sectionText). Null when the quote is no longer where
 * the button says (the document changed since).
 */
export function contextEmbed(blocks: readonly Passage[], paragraph: number, start: number, end: number, documentText: (start: number, end: number) => string | undefined): APIEmbed | null {
  const index = blocks.findIndex((b) => b.paragraph === paragraph);
  const block = blocks[index];
  if (!block || start < block.start || end > block.end) return null;
  const quote = foldWhitespace(documentText(start, end) ?? '');
  const at = quote ? block.quote.indexOf(quote) : -1;
  if (at < 0) return null;
  const marked = `${escapeMarkdown(block.quote.slice(0, at))}**${escapeMarkdown(quote)}**${escapeMarkdown(block.quote.slice(at + quote.length))}`;
  const neighbour = (b: Passage) => `¶${b.paragraph} ${escapeMarkdown(truncateWords(b.quote, NEIGHBOUR_CHARS))}`;
  const before = blocks.slice(Math.max(0, index - CONTEXT_PARAGRAPHS), index).map(neighbour);
  const after = blocks.slice(index + 1, index + 1 + CONTEXT_PARAGRAPHS).map(neighbour);
  const description = truncateWords([...before, `¶${block.paragraph} ${marked}`, ...after].join('\n\n'), 4000);
  return {
    color: COLORS.info,
    title: truncateWords(`In context: ${citation(block, false).replace(/\\/g, '')}`, DISCORD_LIMITS.embedTitle),
    ...(block.source && /^https?:\/\//i.test(block.source) ? { url: block.source } : {}),
    description,
    footer: { text: truncateWords(block.document, DISCORD_LIMITS.embedFooter) },
  };
}
