/** A stand-in engine for tests of what combines engines (DocumentSet, follow-ups): no model, exact results. */
import { DEFAULT_TOP, MAX_TOP } from '../../src/core/limits.js';
import type { Passage, VerbatimEngine } from '../../src/core/types.js';

/**
 * An engine over made-up documents that pages like `Verbatim` (one answer carries at most
 * MAX_TOP passages; the offset is not capped). Every text it gives names the engine and
 * document it came from, so a lookup routed to the wrong member shows.
 */
export function fakeEngine(name: string, ids: string[], passagesPerDocument = 30, scoreOffset = 0): VerbatimEngine {
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
