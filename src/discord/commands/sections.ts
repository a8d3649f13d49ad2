import { COLORS } from '../constants.js';
import { encodeCustomId, shortHash } from '../components/customId.js';
import { contentsPages, pageButtons } from '../format/pages.js';
import { send, type MessagePayload } from '../respond.js';
import type { BotDeps } from '../types.js';
import { answerChannel } from '../guards/index.js';
import { UserError } from '../errors.js';
import { noDocumentsReason } from '../scopedEngine.js';
import { defineCommand } from './types.js';

/** Page `page` of the table of contents, or null when that page no longer exists or the contents changed. */
export function contentsPage(deps: BotDeps, page: number, expectedHash?: string): MessagePayload | null {
  const documents = deps.engine.documents();
  const pages = contentsPages(deps.engine.sections(), documents.length > 1);
  const hash = shortHash(pages.join('\f'), 8);
  if ((expectedHash !== undefined && expectedHash !== hash) || page >= pages.length) return null;
  const title = documents.length === 1 ? `Contents of “${documents[0]!.title}”` : `Contents of ${documents.length} documents`;
  return {
    embeds: [
      {
        color: COLORS.info,
        title: title.length > 256 ? `${title.slice(0, 254)}…` : title,
        description: pages[page],
        footer: { text: `${pages.length > 1 ? `Page ${page + 1}/${pages.length} · ` : ''}/quote shows a section's exact text` },
      },
    ],
    components: pageButtons(page, pages.length, (target) => encodeCustomId({ kind: 'sections-page', page: target, textHash: hash })),
  };
}

/** `/sections`: the table of contents. */
export const sections = defineCommand({
  data: { name: 'sections', description: 'The table of contents of the document' },
  reply: 'public',
  guards: [answerChannel],
  async execute(interaction, _args, deps) {
    const page = contentsPage(deps, 0);
    // No contents at all: no documents here (or still indexing). Say so, privately, rather than send an empty message.
    if (!page) throw new UserError('no-documents', noDocumentsReason(deps.engine) ?? 'There are no documents to list here yet.');
    await send(interaction, page, false);
  },
});
