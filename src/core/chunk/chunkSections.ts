/**
 * Sentence-aware chunking. Chunks are runs of whole sentences sized in model tokens; they
 * never cross a section boundary (so every chunk has one citation) and overlap by a few
 * sentences so an answer that straddles two chunks is whole in one of them.
 */
import type { Chunk, ParsedDocument } from '../types.js';

/** One sentence of the corpus, with where it sits. The flat table chunks point into. */
export interface SentenceRecord {
  /** Index into the corpus's documents. */
  doc: number;
  /** Section number within the document. */
  section: number;
  /** Index of the block within `section.blocks`. */
  block: number;
  start: number;
  end: number;
  text: string;
}

export interface ChunkerOptions {
  /** Largest chunk in model tokens; a single longer sentence still makes one chunk. */
  maxTokens: number;
  /** Sentences repeated from the end of one chunk at the start of the next. */
  overlapSentences: number;
}

export const DEFAULT_CHUNKER: ChunkerOptions = { maxTokens: 96, overlapSentences: 1 };

export function sentenceTable(documents: readonly ParsedDocument[]): SentenceRecord[] {
  const table: SentenceRecord[] = [];
  documents.forEach((document, doc) => {
    for (const section of document.sections) {
      section.blocks.forEach((block, b) => {
        for (const s of block.sentences) {
          table.push({ doc, section: section.number, block: b, start: s.start, end: s.end, text: s.text });
        }
      });
    }
  });
  return table;
}

/**
 * Cuts the sentence table into chunks. `countTokens` is the embedding model's tokenizer, so
 * chunk sizes mean the same thing as the model's input limit.
 */
export function chunkSentences(
  sentences: readonly SentenceRecord[],
  countTokens: (text: string) => number,
  options: ChunkerOptions = DEFAULT_CHUNKER,
): Chunk[] {
  const tokens = sentences.map((s) => countTokens(s.text));
  const chunks: Chunk[] = [];

  const emit = (first: number, last: number) => {
    const head = sentences[first]!;
    let text = '';
    let count = 0;
    for (let i = first; i <= last; i++) {
      text += (i > first ? ' ' : '') + sentences[i]!.text;
      count += tokens[i]!;
    }
    chunks.push({
      id: chunks.length,
      doc: head.doc,
      section: head.section,
      firstSentence: first,
      lastSentence: last,
      start: head.start,
      end: sentences[last]!.end,
      text,
      tokens: count,
    });
  };

  let i = 0;
  while (i < sentences.length) {
    const { doc, section } = sentences[i]!;
    // One section at a time: find where it ends in the table.
    let sectionEnd = i;
    while (sectionEnd + 1 < sentences.length && sentences[sectionEnd + 1]!.doc === doc && sentences[sectionEnd + 1]!.section === section) sectionEnd++;

    let first = i;
    while (first <= sectionEnd) {
      let last = first;
      let size = tokens[first]!;
      while (last + 1 <= sectionEnd && size + tokens[last + 1]! <= options.maxTokens) size += tokens[++last]!;
      emit(first, last);
      if (last === sectionEnd) break;
      // Step back for the overlap, but always move forward by at least one sentence.
      first = Math.max(first + 1, last + 1 - options.overlapSentences);
    }
    i = sectionEnd + 1;
  }
  return chunks;
}
