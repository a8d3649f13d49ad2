/**
 * Terminal rendering of the engine's answers: quotes, then their citations. Document text
 * is shown through `printable`: a document (a `--doc` from anywhere) must not be able to
 * send escape sequences to the terminal (colours, cursor moves, a changed window title).
 */
import type { Answer, Passage } from '../core/types.js';
import { printable } from '../core/text/printable.js';

/** `§2 Title, ¶1` (`, p. 12` for a PDF): the citation format shared by every text the CLI prints. */
export function citation(p: Pick<Passage, 'section' | 'paragraph' | 'page'>): string {
  return `§${p.section.number} ${p.section.title}, ¶${p.paragraph}${p.page !== undefined ? `, p. ${p.page}` : ''}`;
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export function formatPassage(p: Passage, index: number, options: { showDocument: boolean; width?: number }): string {
  const width = options.width ?? 88;
  const out: string[] = [];
  if (p.leadIn) out.push(wrap(`(${p.leadIn.quote})`, width, '    '));
  // The number takes the place of the first line's indent: " 1. “…”".
  out.push(wrap(`“${p.quote}”`, width, '    ').replace(/^ {4}/, `${String(index + 1).padStart(2)}. `));
  out.push(`    — ${citation(p)}${options.showDocument ? ` · ${p.document}` : ''}`);
  return printable(out.join('\n'));
}

export function formatAnswer(answer: Answer, options: { showDocument: boolean }): string {
  if (!answer.answered) {
    const closest = (answer.closestSections ?? []).map((s) => `§${s.section.number} ${s.section.title}${options.showDocument ? ` (${s.document})` : ''}`);
    return printable(`${answer.reason ?? "The document doesn't seem to answer that."}\n${closest.length ? `Closest sections: ${closest.join('; ')}\n` : ''}`);
  }
  return answer.passages.map((p, i) => formatPassage(p, i, options)).join('\n\n') + '\n';
}
