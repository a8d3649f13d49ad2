/**
 * Which documents answer in a given server and channel. Every command, button and mention
 * is handled with the bot's engine replaced by this one, so /ask, /sections, /quote,
 * /summary, /quiz, autocomplete and "More passages" all see the same documents, and one
 * server never sees another's.
 *
 * - A channel bound to some of the server's documents (/config documents) answers from those.
 * - Elsewhere: the server's own documents, plus the bot's shared ones unless the server
 *   turned them off (/config shared-corpus).
 * - A thread or forum post follows its parent channel's binding.
 */
import { DocumentSet, onlyDocument } from '../core/documentSet.js';
import type { VerbatimEngine } from '../core/types.js';
import { chosenDocument } from './documentChoice.js';
import { UserError } from './errors.js';
import { guildSettings } from './settings.js';
import type { BotContext, BotDeps } from './types.js';

export interface Place {
  guildId: string | null;
  channelId: string | null;
  /** The parent of a thread or forum post. */
  parentId?: string | null;
}

/** The documents that answer at `place` (the bot's shared engine when the server added none). */
export async function scopedEngine(deps: BotDeps, place: Place): Promise<VerbatimEngine> {
  const { library } = deps;
  if (!library || !place.guildId) return deps.engine;
  const own = library.list(place.guildId);
  const settings = guildSettings(deps, place.guildId);
  const bound = boundDocuments(settings.channelDocuments, place);
  if (own.length === 0 && !bound) return settings.sharedCorpus ? deps.engine : noDocuments('This server has no documents yet: a moderator can add one with `/documents add`.');
  const members: VerbatimEngine[] = await library.engines(place.guildId, bound?.filter((id) => own.some((d) => d.id === id)));
  if (!bound && settings.sharedCorpus) members.push(deps.engine);
  if (members.length === 0) {
    const indexing = own.some((d) => d.status === 'indexing' && (!bound || bound.includes(d.id)));
    return noDocuments(indexing ? 'The documents of this channel are still being indexed; try again in a moment.' : 'None of the documents this channel is bound to exist any more: a moderator can change that with `/config documents`.');
  }
  return members.length === 1 ? members[0]! : new DocumentSet(members);
}

/** The context with its engine scoped to `place`. */
export async function scopedContext<C extends BotContext>(deps: C, place: Place): Promise<C> {
  if (!deps.library || !place.guildId) return deps;
  return { ...deps, engine: await scopedEngine(deps, place) };
}

function boundDocuments(bindings: Record<string, string[]>, place: Place): string[] | undefined {
  return (place.channelId ? bindings[place.channelId] : undefined) ?? (place.parentId ? bindings[place.parentId] : undefined);
}

/** The message of each engine made by noDocuments. */
const emptyReasons = new WeakMap<VerbatimEngine, string>();

/**
 * Why `engine` has nothing to answer from (no documents here, or they are still being
 * indexed), or null for an engine with documents. For what lists rather than asks
 * (/sections, a section option), whose empty list would otherwise say nothing.
 */
export function noDocumentsReason(engine: VerbatimEngine): string | null {
  return emptyReasons.get(engine) ?? null;
}

/** An engine for a place with nothing to answer from: every use says why, politely. */
function noDocuments(message: string): VerbatimEngine {
  const fail = (): never => {
    throw new UserError('no-documents', message);
  };
  const engine: VerbatimEngine = {
    ask: async () => fail(),
    sections: () => [],
    sectionText: fail,
    summarise: async () => fail(),
    quiz: fail,
    documents: () => [],
    reindex: async () => fail(),
    corpusChanged: async () => false,
    close: async () => {},
  };
  emptyReasons.set(engine, message);
  return engine;
}

/**
 * The engine for one document picked by name (/ask document:): one of the documents that
 * answer here (`deps.engine`, already scoped to the channel), never another: a channel
 * bound to some documents does not answer from the others because a member typed one's
 * name. A server's own document is asked through its own index, a shared one through a
 * view of the shared engine.
 */
export async function documentEngine(deps: BotDeps, guildId: string | null, id: string): Promise<VerbatimEngine> {
  const documents = deps.engine.documents();
  const picked = chosenDocument(documents, id);
  const own = guildId && deps.library ? chosenDocument(deps.library.list(guildId), picked?.id ?? id) : undefined;
  if (!picked) {
    if (own?.status === 'indexing') throw new UserError('document-indexing', `“${own.title}” is still being indexed; try again in a moment.`);
    throw new UserError('unknown-document', 'There is no such document here: pick one from the list as you type.');
  }
  // The server's own copy, when it is the one picked: one still being indexed is not in the
  // set, so a shared document of the same name is what was offered and picked.
  if (own && guildId && own.id === picked.id && own.status !== 'indexing') {
    const [engine] = await deps.library!.engines(guildId, [own.id]);
    if (!engine) throw new UserError('document-indexing', `“${own.title}” is still being indexed; try again in a moment.`);
    return engine;
  }
  return documents.length === 1 ? deps.engine : onlyDocument(deps.engine, picked.id);
}
