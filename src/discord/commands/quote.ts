import { ApplicationCommandOptionType } from 'discord.js';
import { COLORS } from '../constants.js';
import { encodeCustomId, shortHash } from '../components/customId.js';
import { pageButtons, quotePages } from '../format/pages.js';
import { escapeMarkdown, truncateWords } from '../format/text.js';
import { send, type MessagePayload } from '../respond.js';
import type { BotDeps } from '../types.js';
import { answerChannel } from '../guards/index.js';
import { resolveSection, sectionAutocomplete, type SectionTarget } from './sectionChoice.js';
import { defineCommand } from './types.js';

export interface QuoteRequest {
  documentId: string;
  section: number;
  paragraph: number | null;
}

/**
 * Page `page` of a section's (or a paragraph's) exact text, or null when the page is gone
 * or the text changed since `expectedHash` was computed. Throws the engine's
 * UNKNOWN_SECTION for a section or paragraph that does not exist.
 */
export function quotePage(deps: BotDeps, request: QuoteRequest, page: number, expectedHash?: string): MessagePayload | null {
  const passages = deps.engine.sectionText(request.documentId, request.section, request.paragraph ?? undefined);
  const pages = quotePages(passages, undefined, request.paragraph === null);
  const textHash = shortHash(passages.map((p) => p.quote).join('\n'), 8);
  if ((expectedHash !== undefined && expectedHash !== textHash) || page >= pages.length) return null;
  const first = passages[0]!;
  const title = truncateWords(`§${first.section.number} ${escapeMarkdown(first.section.title)}${request.paragraph ? `, ¶${request.paragraph}` : ''}`, 256);
  const documentHash = shortHash(request.documentId, 8);
  return {
    embeds: [
      {
        color: COLORS.info,
        title,
        ...(first.source && /^https?:\/\//i.test(first.source) ? { url: first.source } : {}),
        description: pages[page],
        footer: { text: truncateWords(`${first.document}${pages.length > 1 ? ` · page ${page + 1}/${pages.length}` : ''}`, 2048) },
      },
    ],
    components: pageButtons(page, pages.length, (target) =>
      encodeCustomId({ kind: 'quote-page', documentHash, section: request.section, paragraph: request.paragraph, page: target, textHash }),
    ),
  };
}

/** `/quote section:<autocomplete> [paragraph:<int>]`: the exact text, paged when long. */
export const quote = defineCommand({
  data: {
    name: 'quote',
    description: 'The exact text of a section, or of one of its paragraphs',
    options: [
      { name: 'section', description: 'Start typing a section title', type: ApplicationCommandOptionType.String, required: true, autocomplete: true },
      { name: 'paragraph', description: 'Only this paragraph (¶) of the section', type: ApplicationCommandOptionType.Integer, min_value: 1 },
    ],
  },
  reply: 'public',
  async execute(interaction, { section, paragraph }, deps) {
    const target: SectionTarget = resolveSection(deps, section);
    const payload = quotePage(deps, { documentId: target.documentId, section: target.section, paragraph: paragraph ?? null }, 0);
    await send(interaction, payload!, false);
  },
  guards: [answerChannel],
  autocomplete: sectionAutocomplete,
});
