/**
 * `/ask document:` (scopedEngine.documentEngine) picks among the documents that answer where
 * it is asked, with stand-in engines and library: a channel's binding holds, a server's own
 * document is asked through its own index, and a shared document is picked even while a
 * server upload of the same name is still being indexed (that copy is not among them).
 */
import { describe, expect, it } from 'vitest';
import type { DocumentLibrary, LibraryDocument } from '../../src/core/library/documentLibrary.js';
import type { VerbatimEngine } from '../../src/core/types.js';
import { documentEngine } from '../../src/discord/scopedEngine.js';
import type { BotDeps } from '../../src/discord/types.js';
import { fakeEngine } from '../core/fakeEngine.js';

const GUILD = '1';

function deps(here: VerbatimEngine, own: Array<Pick<LibraryDocument, 'id' | 'status'>>, ownEngines: Record<string, VerbatimEngine> = {}): BotDeps {
  const library = {
    list: () => own.map((d) => ({ ...d, title: d.id.toUpperCase(), format: 'text', bytes: 1, addedAt: 0, key: d.id })),
    engines: async (_guild: string, ids: string[]) => ids.flatMap((id) => (ownEngines[id] ? [ownEngines[id]] : [])),
  } as unknown as DocumentLibrary;
  return { engine: here, library } as unknown as BotDeps;
}

describe('documentEngine', () => {
  it('asks a server’s own document through its own index', async () => {
    const own = fakeEngine('own', ['notes.txt']);
    const picked = await documentEngine(deps(fakeEngine('set', ['notes.txt', 'shared.md']), [{ id: 'notes.txt', status: 'ready' }], { 'notes.txt': own }), GUILD, 'notes.txt');
    expect(picked).toBe(own);
  });

  it('refuses a document that does not answer here, though the server has it (a bound channel)', async () => {
    const bound = fakeEngine('bound', ['glaciers.md']);
    const own = [{ id: 'glaciers.md', status: 'ready' as const }, { id: 'volcanoes.md', status: 'ready' as const }];
    await expect(documentEngine(deps(bound, own, { 'volcanoes.md': fakeEngine('v', ['volcanoes.md']) }), GUILD, 'volcanoes.md')).rejects.toThrow(/no such document here/);
  });

  it('picks the shared document while a same-named upload is still being indexed', async () => {
    const shared = fakeEngine('shared', ['notes.txt']);
    const picked = await documentEngine(deps(shared, [{ id: 'notes.txt', status: 'indexing' }]), GUILD, 'notes.txt');
    expect(picked).toBe(shared);
    // An upload being indexed that nothing here shadows says so.
    await expect(documentEngine(deps(fakeEngine('set', ['other.md']), [{ id: 'notes.txt', status: 'indexing' }]), GUILD, 'notes.txt')).rejects.toThrow(/still being indexed/);
  });
});
