import type { Passage, SectionRef } from '../../core/types.js';
import { escapeMarkdown } from './text.js';

/** `§2 Title`, escaped. */
export function sectionLabel(section: SectionRef): string {
  return `§${section.number} ${escapeMarkdown(section.title)}`;
}

/** `§2 Title, ¶1` (`, p. 12` for a PDF; ` · Document` when the corpus has several documents), escaped. */
export function citation(p: Pick<Passage, 'section' | 'paragraph' | 'document' | 'page'>, showDocument: boolean): string {
  return `${sectionLabel(p.section)}, ¶${p.paragraph}${p.page !== undefined ? `, p. ${p.page}` : ''}${showDocument ? ` · ${escapeMarkdown(p.document)}` : ''}`;
}

/** Section labels as logged and recorded (plain, not escaped): `§3 Retention`. */
export function citedSections(passages: readonly Passage[]): string[] {
  return [...new Set(passages.map((p) => `§${p.section.number} ${p.section.title}`))];
}
