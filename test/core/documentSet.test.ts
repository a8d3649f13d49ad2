/** Several engines answering as one: every passage is cited, and looked up, in its own document. */
import { describe, expect, it } from 'vitest';
import { DocumentSet } from '../../src/core/documentSet.js';
import { DEFAULT_SUMMARY_SENTENCES, DEFAULT_TOP, MAX_SUMMARY_SENTENCES, MAX_TOP } from '../../src/core/limits.js';
import { fakeEngine } from './fakeEngine.js';

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

  it('pages as far as a single engine: past the most passages one answer carries', async () => {
    // Every passage of the first member ranks above the second's.
    const set = new DocumentSet([fakeEngine('a', ['a.txt'], 30), fakeEngine('b', ['b.txt'], 30, 50)]);
    const quotes = async (offset: number) => (await set.ask('anything', { top: 3, offset })).passages.map((p) => p.quote);
    expect(await quotes(0)).toEqual(['a:a.txt:0', 'a:a.txt:1', 'a:a.txt:2']);
    expect(await quotes(20)).toEqual(['a:a.txt:20', 'a:a.txt:21', 'a:a.txt:22']);
    expect(await quotes(21)).toEqual(['a:a.txt:21', 'a:a.txt:22', 'a:a.txt:23']);
    expect(await quotes(45)).toEqual(['b:b.txt:15', 'b:b.txt:16', 'b:b.txt:17']);
    expect(await quotes(59)).toEqual(['b:b.txt:29']);
    expect(await quotes(60)).toEqual([]);
  });

  it('treats a top or offset that is not a finite number as the default or the limit', async () => {
    const set = new DocumentSet([fakeEngine('a', ['a.txt'], 30), fakeEngine('b', ['b.txt'], 30, 50)]);
    expect((await set.ask('anything', { top: Number.NaN })).passages).toHaveLength(DEFAULT_TOP);
    expect((await set.ask('anything', { top: Number.POSITIVE_INFINITY })).passages).toHaveLength(MAX_TOP);
    expect((await set.ask('anything', { top: 2, offset: Number.NaN })).passages.map((p) => p.quote)).toEqual(['a:a.txt:0', 'a:a.txt:1']);
    expect((await set.ask('anything', { top: 2, offset: Number.POSITIVE_INFINITY })).passages.map((p) => p.quote)).toEqual(['a:a.txt:0', 'a:a.txt:1']);
  });

  it('keeps a summary of many documents within the most sentences one summary may have', async () => {
    const members = Array.from({ length: 25 }, (_, i) => fakeEngine(`m${i}`, [`d${i}.txt`]));
    const set = new DocumentSet(members);
    expect((await set.summarise({ sentences: MAX_SUMMARY_SENTENCES })).passages).toHaveLength(MAX_SUMMARY_SENTENCES);
    expect((await set.summarise({ sentences: 1000 })).passages).toHaveLength(MAX_SUMMARY_SENTENCES);
    expect((await set.summarise({ sentences: 3 })).passages.map((p) => p.quote)).toEqual(['m0:d0.txt:0', 'm1:d1.txt:0', 'm2:d2.txt:0']);
    expect((await set.summarise({ sentences: Number.NaN })).passages).toHaveLength(DEFAULT_SUMMARY_SENTENCES);
    // Fewer members than sentences: shared out, the first members getting one more.
    const three = new DocumentSet(members.slice(0, 3));
    expect((await three.summarise({ sentences: 5 })).passages.map((p) => p.quote)).toEqual(['m0:d0.txt:0', 'm0:d0.txt:1', 'm1:d1.txt:0', 'm1:d1.txt:1', 'm2:d2.txt:0']);
  });
});
