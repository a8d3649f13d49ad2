import type { ParsedDocument } from '../../../src/core/types.js';

/**
 * Every way a parsed document can disagree with its own text, as readable strings; `[]` when
 * blocks and sentences are exact slices, non-empty, trimmed, inside their block, in order,
 * and sections do not overlap.
 */
export function offsetProblems(doc: ParsedDocument): string[] {
  const problems: string[] = [];
  let previousEnd = -1;
  for (const section of doc.sections) {
    const where = `${doc.id} §${section.number}`;
    if (section.start < previousEnd) problems.push(`${where} overlaps the section before`);
    if (section.end < section.start) problems.push(`${where} ends before it starts`);
    previousEnd = section.end;
    section.blocks.forEach((block, i) => {
      const at = `${where} ¶${block.paragraph}`;
      if (block.paragraph !== i + 1) problems.push(`${at} is numbered out of order`);
      if (doc.text.slice(block.start, block.end) !== block.text) problems.push(`${at} text is not its slice`);
      if (block.text.trim() !== block.text || block.text === '') problems.push(`${at} text is empty or untrimmed`);
      if (block.start < section.start || block.end > section.end) problems.push(`${at} lies outside its section`);
      if (block.sentences.length === 0) problems.push(`${at} has no sentences`);
      let sentenceEnd = block.start;
      for (const s of block.sentences) {
        if (doc.text.slice(s.start, s.end) !== s.text) problems.push(`${at} sentence ${JSON.stringify(s.text)} is not its slice`);
        if (s.text.trim() !== s.text || s.text === '') problems.push(`${at} sentence ${JSON.stringify(s.text)} is empty or untrimmed`);
        if (s.start < sentenceEnd || s.end > block.end) problems.push(`${at} sentence ${JSON.stringify(s.text)} is out of order or outside the block`);
        sentenceEnd = s.end;
      }
    });
  }
  return problems;
}
