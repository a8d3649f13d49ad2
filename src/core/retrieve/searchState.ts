/**
 * Everything a query needs, loaded once: the parsed corpus, the flat sentence table, the
 * chunks and both indexes. The engine swaps a whole state at once when it re-indexes, so a
 * query never sees half of an old index and half of a new one.
 */
import type { Chunk, ParsedDocument } from '../types.js';
import type { SentenceRecord } from '../chunk/chunkSections.js';
import type { Calibration, IndexManifest } from '../index/indexStore.js';
import type { LexicalIndex } from '../index/lexicalIndex.js';
import type { VectorIndex } from '../index/vectorIndex.js';
import { terms } from '../text/terms.js';

export interface SearchState {
  documents: ParsedDocument[];
  sentences: SentenceRecord[];
  chunks: Chunk[];
  vectors: VectorIndex;
  lexical: LexicalIndex;
  manifest: IndexManifest;
  /** Index terms of each sentence, computed once for quote scoring. */
  sentenceTerms: Array<Set<string>>;
  /** Inverse sentence frequency of each term: rare words say more about where an answer is. */
  idf: Map<string, number>;
  /** Index terms of each document's section titles, keyed `${doc}:${section}`. */
  titleTerms: Map<string, Set<string>>;
}

export function makeSearchState(parts: Omit<SearchState, 'sentenceTerms' | 'idf' | 'titleTerms'>): SearchState {
  const sentenceTerms = parts.sentences.map((s) => new Set(terms(s.text)));
  const df = new Map<string, number>();
  for (const set of sentenceTerms) for (const t of set) df.set(t, (df.get(t) ?? 0) + 1);
  const n = Math.max(1, sentenceTerms.length);
  const idf = new Map<string, number>();
  for (const [t, f] of df) idf.set(t, Math.log(1 + n / f));
  const titleTerms = new Map<string, Set<string>>();
  parts.documents.forEach((d, doc) => {
    for (const s of d.sections) titleTerms.set(`${doc}:${s.number}`, new Set(terms([...s.parents, s.title].join(' '))));
  });
  return { ...parts, sentenceTerms, idf, titleTerms };
}

/** Weight of a query term that no sentence contains: as rare as a word can be. */
export function idfOf(state: SearchState, term: string): number {
  return state.idf.get(term) ?? Math.log(1 + Math.max(1, state.sentences.length));
}

export function calibrationOf(state: SearchState): Calibration {
  return state.manifest.calibration;
}
