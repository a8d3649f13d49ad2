/** Several engines answering as one: every passage is cited, and looked up, in its own document. */
import { describe, expect, it } from 'vitest';
import { DocumentSet } from '../../src/core/documentSet.js';
import { DEFAULT_TOP, MAX_TOP } from '../../src/core/limits.js';
import type { Passage, VerbatimEngine } from '../../src/core/types.js';

/**
 * An engine over made-up documents that pages like `Verbatim` (one answer carries at most
 * MAX_TOP passages; the offset is not capped). Every text it gives names the engine and
 * document it came from, so a lookup routed to the wrong member shows.
 */
function fakeEngine(name: string, ids: string[], passagesPerDocument = 30, scoreOffset = 0): VerbatimEngine {
  const has = (id: string) => ids.includes(id);
  const passage = (id: string, i: number): Passage => ({
    quote: `${name}:${id}:${i}`,
    document: id.toUpperCase(),
    documentId: id,
    section: { number: 1, title: 'One' },
    paragraph: i + 1,
    start: i * 10,
    end: i * 10 + 5,
    score: 1 - (i + scoreOffset) / 100 - ids.indexOf(id) / 1000,
  });
  const all = ids.flatMap((id) => Array.from({ length: passagesPerDocument }, (_, i) => passage(id, i))).sort((a, b) => b.score - a.score);
  const unknown = (id: string): never => {
    throw new Error(`${name} has no document ${id}`);
  };
  return {
    async ask(question, options = {}) {
      const top = Math.max(1, Math.min(MAX_TOP, Math.floor(options.top ?? DEFAULT_TOP)));
      const offset = Math.max(0, Math.floor(options.offset ?? 0));
      return { question, answered: true, passages: all.slice(offset, offset + top) };
    },
    documents: () => ids.map((id) => ({ id, title: id.toUpperCase() })),
    sections: () => ids.map((id) => ({ document: id.toUpperCase(), documentId: id, number: 1, title: 'One', level: 1, parents: [], paragraphs: 1, length: 10 })),
    sectionText: (id, _section) => (has(id) ? [{ ...passage(id, 0), quote: `${name}:${id}:section` }] : unknown(id)),
    textAt: (id, start) => (has(id) ? `${name}:${id}:${start / 10}` : undefined),
    summarise: async (options = {}) => {
      const from = options.documentId !== undefined ? (has(options.documentId) ? [options.documentId] : unknown(options.documentId)) : ids;
      return { passages: from.flatMap((id) => Array.from({ length: options.sentences ?? 5 }, (_, i) => passage(id, i))) };
    },
    quiz: (options = {}) => (options.documentId === undefined || has(options.documentId) ? { id: name, prompt: '_____', options: ['a', 'b', 'c', 'd'], answerIndex: 0, passage: passage(options.documentId ?? ids[0]!, 0) } : unknown(options.documentId)),
    reindex: async () => ({ changed: false, ms: 0, manifest: { counts: { documents: ids.length, sections: ids.length, sentences: 0, chunks: 0 } } }),
    corpusChanged: async () => false,
    close: async () => {},
  };
}

describe('DocumentSet', () => {
  it('gives a document named like an earlier member’s its own id, and routes every lookup to the member it came from', async () => {
    // A server's upload named like a shared document: both answer.
    const own = fakeEngine('own', ['doc.txt']);
    const shared = fakeEngine('shared', ['doc.txt', 'other.txt'], 30, 0.5);
    const set = new DocumentSet([own, shared]);
    const ids = set.documents().map((d) => d.id);
    expect(ids).toEqual(['doc.txt', 'doc.txt (2)', 'other.txt']); // the earlier member keeps its id
    expect(set.documents()[1]!.title).toBe('DOC.TXT');

    const answer = await set.ask('anything', { top: 10 });
    expect(new Set(answer.passages.map((p) => p.quote.split(':')[0]))).toEqual(new Set(['own', 'shared']));
    for (const p of answer.passages) {
      // The citation's id leads back to the very text quoted, in its own member.
      expect(set.textAt(p.documentId, p.start, p.end), p.quote).toBe(p.quote);
      expect(set.sectionText(p.documentId, 1)[0]!.quote.split(':').slice(0, 2).join(':')).toBe(p.quote.split(':').slice(0, 2).join(':'));
    }
    expect(answer.passages.find((p) => p.quote.startsWith('shared:doc.txt'))!.documentId).toBe('doc.txt (2)');

    expect(set.sections().map((s) => s.documentId)).toEqual(ids);
    expect(set.sectionText('doc.txt (2)', 1)).toMatchObject([{ quote: 'shared:doc.txt:section', documentId: 'doc.txt (2)' }]);
    expect((await set.summarise({ documentId: 'doc.txt (2)', sentences: 2 })).passages.map((p) => [p.quote, p.documentId])).toEqual([
      ['shared:doc.txt:0', 'doc.txt (2)'],
      ['shared:doc.txt:1', 'doc.txt (2)'],
    ]);
    expect((await set.summarise({ sentences: 4 })).passages.every((p) => ids.includes(p.documentId))).toBe(true);
    expect((await set.quiz({ documentId: 'doc.txt (2)' }))!.passage).toMatchObject({ quote: 'shared:doc.txt:0', documentId: 'doc.txt (2)' });
    expect((await set.quiz({ seed: 1 }))!.passage).toMatchObject({ quote: 'shared:doc.txt:0', documentId: 'doc.txt (2)' });
    expect(() => set.sectionText('nope.txt', 1)).toThrow(/no document "nope.txt"/);
  });

  it('keeps ids as they are when they do not collide, and for a single member', async () => {
    const single = new DocumentSet([fakeEngine('shared', ['doc.txt', 'other.txt'])]);
    expect(single.documents().map((d) => d.id)).toEqual(['doc.txt', 'other.txt']);
    expect((await single.ask('anything')).passages.every((p) => ['doc.txt', 'other.txt'].includes(p.documentId))).toBe(true);
    const apart = new DocumentSet([fakeEngine('own', ['mine.txt']), fakeEngine('shared', ['doc.txt'])]);
    expect(apart.documents().map((d) => d.id)).toEqual(['mine.txt', 'doc.txt']);
    expect(apart.textAt('doc.txt', 0, 5)).toBe('shared:doc.txt:0');
  });
});
