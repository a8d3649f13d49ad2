/**
 * The `section` option of /quote, /summary and /quiz: autocomplete choices from the document's section titles
 * (naming the document when there are several), and resolving what the user picked or typed.
 */
import type { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import type { SectionInfo } from '../../core/types.js';
import { DISCORD_LIMITS } from '../constants.js';
import { UserError } from '../errors.js';
import { truncateWords } from '../format/text.js';
import type { BotDeps } from '../types.js';
import { noDocumentsReason } from '../scopedEngine.js';

export interface SectionTarget {
  documentId: string;
  document: string;
  section: number;
  title: string;
}

function label(s: SectionInfo, showDocument: boolean): string {
  return `§${s.number} ${s.title}${showDocument ? ` — ${s.document}` : ''}`;
}

/** Choice values are `<document index>:<section number>`: short, and stable while the corpus is. */
function value(documentIndex: number, s: SectionInfo): string {
  return `${documentIndex}:${s.number}`;
}

function sectionChoices(deps: BotDeps, typed: string): ApplicationCommandOptionChoiceData<string>[] {
  const documents = deps.engine.documents();
  const showDocument = documents.length > 1;
  const words = typed.toLowerCase().replace(/§/g, ' ').split(/\s+/).filter(Boolean);
  const choices: ApplicationCommandOptionChoiceData<string>[] = [];
  for (const s of deps.engine.sections()) {
    const name = label(s, showDocument);
    const haystack = name.toLowerCase();
    if (!words.every((w) => haystack.includes(w))) continue;
    choices.push({ name: truncateWords(name, DISCORD_LIMITS.choiceName), value: value(documents.findIndex((d) => d.id === s.documentId), s) });
    if (choices.length === DISCORD_LIMITS.autocompleteChoices) break;
  }
  return choices;
}

/** The autocomplete handler of every command with a `section` option (/quote, /summary, /quiz). */
export async function sectionAutocomplete(interaction: AutocompleteInteraction, deps: BotDeps): Promise<void> {
  const focused = interaction.options.getFocused(true);
  await interaction.respond(focused.name === 'section' ? sectionChoices(deps, String(focused.value)) : []);
}

/** What the user picked (a choice value) or typed (a number, or words of a title). */
export function resolveSection(deps: BotDeps, input: string): SectionTarget {
  const documents = deps.engine.documents();
  const sections = deps.engine.sections();
  // Nothing here to pick from: the reason, not "no section matches".
  const reason = sections.length === 0 ? noDocumentsReason(deps.engine) : null;
  if (reason) throw new UserError('no-documents', reason);
  const target = (s: SectionInfo): SectionTarget => ({ documentId: s.documentId, document: s.document, section: s.number, title: s.title });

  const picked = /^(\d+):(\d+)$/.exec(input.trim());
  if (picked) {
    const documentId = documents[Number(picked[1])]?.id;
    const found = sections.find((s) => s.documentId === documentId && s.number === Number(picked[2]));
    if (found) return target(found);
  }
  const numbered = /^§?\s*(\d+)$/.exec(input.trim());
  if (numbered && documents.length === 1) {
    const found = sections.find((s) => s.number === Number(numbered[1]));
    if (found) return target(found);
  }
  const typed = input.trim().toLowerCase();
  const byTitle = sections.filter((s) => s.title.toLowerCase() === typed);
  const partly = byTitle.length ? byTitle : sections.filter((s) => typed.length > 0 && s.title.toLowerCase().includes(typed));
  if (partly.length === 1) return target(partly[0]!);
  throw new UserError(
    'unknown-section',
    partly.length > 1
      ? `Several sections match that; start typing in the section option and pick one from the list.`
      : `No section matches that. Start typing in the section option and pick one from the list, or see /sections.`,
  );
}
