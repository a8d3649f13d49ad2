/** Turns a range of the corpus into a cited passage: the one place citations are made. */
import type { Passage } from '../types.js';
import { leadInBlock, sectionOf, type SearchState } from '../retrieve/searchState.js';

/** Hard-wrapped lines read as one line in a quote; the offsets still point at the original. */
export function foldWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A passage quoting sentences `first`..`last` (one block) of the sentence table. */
export function passageFromSentences(state: SearchState, first: number, last: number, score: number): Passage {
  const head = state.sentences[first]!;
  const tail = state.sentences[last]!;
  return passageFromRange(state, head.doc, head.section, head.block, head.start, tail.end, score);
}

export function passageFromRange(state: SearchState, doc: number, sectionNumber: number, blockIndex: number, start: number, end: number, score: number): Passage {
  const document = state.documents[doc]!;
  const section = sectionOf(state, doc, sectionNumber);
  const block = section.blocks[blockIndex]!;
  const passage: Passage = {
    quote: foldWhitespace(document.text.slice(start, end)),
    document: document.title,
    documentId: document.id,
    section: { number: section.number, title: section.title },
    paragraph: block.paragraph,
    start,
    end,
    score: Math.round(Math.max(0, Math.min(1, score)) * 1000) / 1000,
  };
  if (block.page !== undefined) passage.page = block.page;
  if (document.source !== undefined) passage.source = document.source;
  // A list item makes sense with the sentence that introduces it ("Key factors include:"),
  // not the whole paragraph that sentence ends.
  if (block.kind === 'list-item') {
    const leadBlock = leadInBlock(section, block);
    const lead = leadBlock?.sentences.at(-1);
    if (leadBlock && lead) passage.leadIn = { quote: foldWhitespace(lead.text), paragraph: leadBlock.paragraph, start: lead.start, end: lead.end };
  }
  return passage;
}
