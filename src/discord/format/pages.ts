/** Paged text (/quote, /sections): pages of whole sentences, and Previous/Next buttons. */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { Passage, SectionInfo } from '../../core/types.js';
import { PAGE_CHARS } from '../constants.js';
import { escapeMarkdown, packPages } from './text.js';

/**
 * The paragraphs of a section, escaped, in pages of whole paragraphs or sentences; `numbered`
 * puts each paragraph's ¶ number before it, so citations ("¶4") can be matched.
 */
export function quotePages(passages: readonly Passage[], pageChars = PAGE_CHARS, numbered = false): string[] {
  return packPages(
    passages.map((p) => `${numbered ? `**¶${p.paragraph}** ` : ''}${escapeMarkdown(p.quote)}`),
    pageChars,
    '\n\n',
  );
}

/** The table of contents, one line per section, indented by level; a header per document when there are several. */
function contentsLines(sections: readonly SectionInfo[], showDocument: boolean): string[] {
  const lines: string[] = [];
  let document: string | undefined;
  for (const s of sections) {
    if (showDocument && s.documentId !== document) {
      document = s.documentId;
      lines.push(`${lines.length ? '\n' : ''}**${escapeMarkdown(s.document)}**`);
    }
    lines.push(`${'\u2003'.repeat(Math.max(0, s.level - 1))}§${s.number} ${escapeMarkdown(s.title)}`);
  }
  return lines;
}

export function contentsPages(sections: readonly SectionInfo[], showDocument: boolean, pageChars = PAGE_CHARS): string[] {
  return packPages(contentsLines(sections, showDocument), pageChars, '\n');
}

/** Previous / Next for page `page` (0-based) of `count`; no row for a single page. */
export function pageButtons(page: number, count: number, customIdFor: (page: number) => string): APIActionRowComponent<APIButtonComponent>[] {
  if (count <= 1) return [];
  const button = (label: string, target: number, disabled: boolean): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: customIdFor(target),
    disabled,
  });
  return [
    {
      type: ComponentType.ActionRow,
      components: [button('◀ Previous', page - 1 < 0 ? count : page - 1, page === 0), button('Next ▶', page + 1, page + 1 >= count)],
    },
  ];
}
