/**
 * The search state of a loaded index: sentence frequencies come from the index files and
 * per-sentence facts are computed on first use. Both must give what computing everything
 * from the sentences at once gives, or answers would differ between a fresh build and a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { Verbatim } from '../../src/core/engine.js';
import { readIndex, readManifest } from '../../src/core/index/indexStore.js';
import { sentenceTable, type SentenceRecord } from '../../src/core/chunk/chunkSections.js';
import type { Block } from '../../src/core/types.js';
import { makeSearchState, sentenceFrequencies, sentenceRoleOf, type SearchState } from '../../src/core/retrieve/searchState.js';
import { terms } from '../../src/core/text/terms.js';
import { tempCorpus } from './helpers.js';

const READLINE = path.join(import.meta.dirname, '..', 'fixtures', 'eval', 'node-readline.md');

let built: Verbatim;
let dirs: { corpus: string; indexDir: string };
let state: SearchState;
let stored: Map<string, number>;

beforeAll(async () => {
  dirs = tempCorpus('state', [READLINE]);
  built = await Verbatim.open(dirs);
  const loaded = await readIndex(dirs.indexDir, readManifest(dirs.indexDir)!);
  stored = loaded.sentenceFrequency;
  state = makeSearchState({ ...loaded, sentences: sentenceTable(loaded.documents) });
});
afterAll(async () => {
  await built?.close();
});

describe('a loaded search state', () => {
  it('stores the sentence frequencies the sentences give', () => {
    expect([...stored]).toEqual([...sentenceFrequencies(state.sentences)]);
  });

  it('works out each sentence’s terms, vocabulary rows and role on demand, once', () => {
    // Code blocks, list lead-ins and prose all occur in the readline docs.
    const roles = new Set<string>();
    state.sentences.forEach((s, id) => {
      const own = state.sentenceTerms(id);
      expect(own).toEqual(new Set(terms(s.text)));
      expect(state.sentenceTerms(id)).toBe(own);
      expect([...state.sentenceWords(id)]).toEqual([...own].filter((t) => state.vocabularyRow.has(t)).map((t) => state.vocabularyRow.get(t)));
      const block = state.sections.get(`${s.doc}:${s.section}`)!.blocks[s.block]!;
      const role = sentenceRoleOf(s, block);
      expect(state.sentenceRole(id)).toBe(role);
      roles.add(role);
    });
    expect(roles).toEqual(new Set(['code', 'lead-in', 'pointer', 'prose']));
  });

  it('tells a sentence that only points elsewhere from one that answers', () => {
    const block = { kind: 'paragraph', start: 0, end: 200 } as Block;
    const role = (text: string) => sentenceRoleOf({ text, start: 0, end: text.length } as SentenceRecord, block);
    expect(role('See [`Buffer.from(buffer)`][].')).toBe('pointer');
    expect(role('For more information, see the Events section.')).toBe('pointer');
    expect(role('See how the stream is paused when the buffer fills up, and resumed once the consumer has drained enough of it.')).toBe('prose');
    expect(role('The buffer is copied.')).toBe('prose');
  });

  it('answers as the state of the build that wrote it does', async () => {
    const restarted = await Verbatim.open({ ...dirs, rebuild: 'never' });
    try {
      expect(restarted.rebuiltBecause).toBeUndefined();
      for (const q of ['Why did Russia recognize the Taliban?', 'How do I read a file line by line?', 'What does rl.close() do?']) {
        expect(await restarted.ask(q)).toEqual(await built.ask(q));
      }
    } finally {
      await restarted.close();
    }
  });
});
