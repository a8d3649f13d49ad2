/**
 * Everything a query needs, loaded once: the parsed corpus, the flat sentence table, the
 * chunks and both indexes. The engine swaps a whole state at once when it re-indexes, so a
 * query never sees half of an old index and half of a new one.
 */
import type { Block, Chunk, ParsedDocument, Section } from '../types.js';
import type { SentenceRecord } from '../chunk/chunkSections.js';
import type { IndexManifest } from '../index/indexStore.js';
import type { LexicalIndex } from '../index/lexicalIndex.js';
import type { VectorIndex } from '../index/vectorIndex.js';
import { terms } from '../text/terms.js';
import { endsWithColon } from '../ingest/buildSections.js';
import type { Vocabulary } from './vocabulary.js';

export interface SearchState {
  documents: ParsedDocument[];
  sentences: SentenceRecord[];
  /** Chunks as searched; their text was only needed to build the indexes. */
  chunks: Array<Omit<Chunk, 'text'>>;
  vectors: VectorIndex;
  /** One unit vector per sentence, row-major (the model's dimension): embedded when the index was built. */
  sentenceVectors: Float32Array;
  lexical: LexicalIndex;
  vocabulary: Vocabulary;
  manifest: IndexManifest;
  /** Index terms of a sentence, for quote scoring and summaries. */
  sentenceTerms(sentence: number): Set<string>;
  /** Inverse sentence frequency of each term: rare words say more about where an answer is. */
  idf: Map<string, number>;
  /** Index terms of each document's section titles, keyed `${doc}:${section}`. */
  titleTerms: Map<string, Set<string>>;
  /** Every index term the corpus uses, in sentences or titles. */
  corpusTerms: Set<string>;
  /** What kind of text a sentence is, for quote choice. */
  sentenceRole(sentence: number): SentenceRole;
  /** Sections by `${doc}:${number}`: citations and quote choice look them up often. */
  sections: Map<string, Section>;
  /** Index term -> its row in `vocabulary`. */
  vocabularyRow: Map<string, number>;
  /** The vocabulary rows of a sentence's words, for soft (meaning-level) word matching. */
  sentenceWords(sentence: number): Uint32Array;
}

/**
 * - `prose`: an ordinary sentence;
 * - `lead-in`: a line that only introduces a list ("Key factors include:");
 * - `code`: a code block, quoted only when nothing else answers;
 * - `pointer`: a short sentence that only refers elsewhere ("See [`fs.open()`][].").
 */
export type SentenceRole = 'prose' | 'lead-in' | 'code' | 'pointer';

/**
 * A short sentence that only sends the reader elsewhere ("See [`Buffer.from(buffer)`][].",
 * "See the Events section for details."): it names what a question names, yet answers nothing.
 */
const POINTER = /^\W*(see|refer to|for (more )?(details|information)|more (details|information))\b/i;
const POINTER_MAX_WORDS = 12;

export function sentenceRoleOf(sentence: SentenceRecord, block: Block): SentenceRole {
  if (block.kind === 'code') return 'code';
  if (endsWithColon(sentence.text) && sentence.end === block.end) return 'lead-in';
  if (POINTER.test(sentence.text) && sentence.text.split(/\s+/).length <= POINTER_MAX_WORDS) return 'pointer';
  return 'prose';
}

/** In how many sentences each index term occurs: computed when an index is built, stored with it. */
export function sentenceFrequencies(sentences: readonly SentenceRecord[]): Map<string, number> {
  const frequency = new Map<string, number>();
  for (const s of sentences) for (const t of new Set(terms(s.text))) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  return frequency;
}

/**
 * Per-sentence facts are worked out on first use and kept: an answer reads a few hundred
 * sentences of its best chunks, so preparing all of a large corpus's would only delay the
 * start (summaries and quizzes, which read many, fill the cache as they go).
 */
function memo<T>(size: number, compute: (id: number) => T): (id: number) => T {
  const cache = new Array<T | undefined>(size);
  return (id) => (cache[id] ??= compute(id));
}

export function makeSearchState({
  sentenceFrequency,
  ...parts
}: Omit<SearchState, 'sentenceTerms' | 'idf' | 'titleTerms' | 'corpusTerms' | 'sentenceRole' | 'sections' | 'vocabularyRow' | 'sentenceWords'> & {
  /** See `sentenceFrequencies`. */
  sentenceFrequency: Map<string, number>;
}): SearchState {
  const n = Math.max(1, parts.sentences.length);
  const idf = new Map<string, number>();
  for (const [t, f] of sentenceFrequency) idf.set(t, Math.log(1 + n / f));
  const titleTerms = new Map<string, Set<string>>();
  parts.documents.forEach((d, doc) => {
    for (const s of d.sections) titleTerms.set(`${doc}:${s.number}`, new Set(terms([...s.parents, s.title].join(' '))));
  });
  const corpusTerms = new Set(sentenceFrequency.keys());
  for (const set of titleTerms.values()) for (const t of set) corpusTerms.add(t);
  const sections = new Map(parts.documents.flatMap((d, doc) => d.sections.map((s) => [`${doc}:${s.number}`, s] as const)));
  const sentenceTerms = memo(parts.sentences.length, (id) => new Set(terms(parts.sentences[id]!.text)));
  const sentenceRole = memo(parts.sentences.length, (id): SentenceRole => {
    const s = parts.sentences[id]!;
    return sentenceRoleOf(s, sections.get(`${s.doc}:${s.section}`)!.blocks[s.block]!);
  });
  const vocabularyRow = new Map(parts.vocabulary.terms.map((t, i) => [t, i]));
  const sentenceWords = memo(parts.sentences.length, (id) =>
    Uint32Array.from([...sentenceTerms(id)].flatMap((t) => (vocabularyRow.has(t) ? [vocabularyRow.get(t)!] : []))),
  );
  return { ...parts, sentenceTerms, idf, titleTerms, corpusTerms, sentenceRole, sections, vocabularyRow, sentenceWords };
}

/** Section `number` of document `doc` (an index into `state.documents`). */
export function sectionOf(state: SearchState, doc: number, number: number): Section {
  return state.sections.get(`${doc}:${number}`)!;
}

/** The block a sentence (an index into `state.sentences`) belongs to. */
export function blockOf(state: SearchState, sentence: number): Block {
  const s = state.sentences[sentence]!;
  return sectionOf(state, s.doc, s.section).blocks[s.block]!;
}

/** The block that introduces a list item's list ("Key factors include:"), if any. */
export function leadInBlock(section: Section, block: Block): Block | undefined {
  return block.leadIn === undefined ? undefined : section.blocks.find((b) => b.paragraph === block.leadIn);
}

/** Weight of a query term that no sentence contains: as rare as a word can be. */
export function idfOf(state: SearchState, term: string): number {
  return state.idf.get(term) ?? Math.log(1 + Math.max(1, state.sentences.length));
}
