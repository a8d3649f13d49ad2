/**
 * Quiz questions from the seed document, with the bundled model, offline; and the key-term
 * finder on small sentences.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Verbatim } from '../../src/core/engine.js';
import { VerbatimError } from '../../src/core/errors.js';
import { foldWhitespace } from '../../src/core/answer/makePassage.js';
import { seedText, tempCorpus } from './helpers.js';
import { BLANK } from '../../src/core/quiz/makeQuestion.js';
import { keyTermsOf, knownNames, type KeyTerm } from '../../src/core/quiz/keyTerms.js';
import type { QuizQuestion } from '../../src/core/types.js';

let engine: Verbatim;
beforeAll(async () => {
  engine = await Verbatim.open(tempCorpus('quiz'));
});
afterAll(async () => {
  await engine?.close();
});

const SEEDS = Array.from({ length: 30 }, (_, i) => i);
const answerOf = (q: QuizQuestion) => q.options[q.answerIndex]!;

/** The kind of a term as a reader sees it. */
function kindOf(term: string): string {
  if (/^`/.test(term)) return 'code';
  if (/^\d/.test(term)) return 'number';
  if (/^\p{Lu}/u.test(term)) return 'name';
  return `phrase of ${term.split(' ').length} words`;
}

describe('quiz questions on the seed', () => {
  it.each(SEEDS)('seed %i: four distinct options, one of them the blanked term', (s) => {
    const q = engine.quiz({ seed: s })!;
    expect(q).toBeDefined();
    expect(q.options).toHaveLength(4);
    expect(new Set(q.options.map((o) => o.toLowerCase())).size).toBe(4);
    expect(q.answerIndex).toBeGreaterThanOrEqual(0);
    expect(q.answerIndex).toBeLessThan(4);
    // Exactly one option fills the blank back into the cited sentence.
    expect(q.options.filter((o) => q.prompt.replace(BLANK, o) === q.passage.quote)).toEqual([answerOf(q)]);
  });

  it.each(SEEDS)('seed %i: the prompt blanks the answer once and gives nothing away', (s) => {
    const q = engine.quiz({ seed: s })!;
    expect(q.prompt.split(BLANK)).toHaveLength(2);
    expect(q.prompt.toLowerCase()).not.toContain(answerOf(q).toLowerCase());
    expect(q.prompt.replace(BLANK, answerOf(q))).toBe(q.passage.quote);
    // The cited sentence is verbatim, with offsets that round-trip.
    expect(q.passage.quote).toBe(foldWhitespace(seedText.slice(q.passage.start, q.passage.end)));
    expect(q.passage.documentId).toBe('seed.txt');
  });

  it.each(SEEDS)('seed %i: distractors are of the answer’s kind and none occurs in the sentence', (s) => {
    const q = engine.quiz({ seed: s })!;
    const answer = answerOf(q);
    const distractors = q.options.filter((_, i) => i !== q.answerIndex);
    for (const d of distractors) {
      expect(kindOf(d)).toBe(kindOf(answer));
      expect(q.passage.quote.toLowerCase()).not.toContain(d.toLowerCase());
      expect(d.toLowerCase()).not.toBe(answer.toLowerCase());
      // Taken from the document.
      expect(seedText).toContain(d);
    }
  });

  it('is deterministic for a seed, with a stable id', () => {
    for (const s of [0, 5, 123456]) expect(engine.quiz({ seed: s })).toEqual(engine.quiz({ seed: s }));
    const q = engine.quiz({ seed: 3 })!;
    expect(q.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives different questions for different seeds', () => {
    const ids = Array.from({ length: 8 }, (_, s) => engine.quiz({ seed: s })!.id);
    expect(new Set(ids).size).toBe(8);
    const sentences = Array.from({ length: 8 }, (_, s) => engine.quiz({ seed: s })!.passage.start);
    expect(new Set(sentences).size).toBe(8);
  });

  it('puts the answer at seed-dependent places', () => {
    const places = new Set(SEEDS.map((s) => engine.quiz({ seed: s })!.answerIndex));
    expect(places.size).toBeGreaterThanOrEqual(3);
  });

  it('defaults to seed 0', () => {
    expect(engine.quiz()).toEqual(engine.quiz({ seed: 0 }));
  });

  it('blanks names, and noun phrases of the document', () => {
    const kinds = new Set(SEEDS.map((s) => kindOf(answerOf(engine.quiz({ seed: s })!))));
    expect(kinds.has('name')).toBe(true);
    expect([...kinds].some((k) => k.startsWith('phrase'))).toBe(true);
  });

  it('asks about one section when told', () => {
    for (const section of [0, 1, 2, 3, 4]) {
      for (const s of [0, 1, 2]) {
        const q = engine.quiz({ section, seed: s });
        expect(q?.passage.section.number).toBe(section);
      }
    }
  });

  it('rejects a section or document that does not exist', () => {
    expect(() => engine.quiz({ section: 9 })).toThrow(VerbatimError);
    expect(() => engine.quiz({ section: 9 })).toThrow(expect.objectContaining({ code: 'UNKNOWN_SECTION' }));
    expect(() => engine.quiz({ documentId: 'nope.txt' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_DOCUMENT' }));
  });
});

describe('keyTermsOf', () => {
  const rarity = () => 0.5;
  const pick = (found: KeyTerm[], kind: KeyTerm['kind']) => found.filter((t) => t.kind === kind).map((t) => t.text);

  it('finds capitalised names, multi-word ones whole, leaving possessives in the sentence', () => {
    const quote = 'By engaging directly with the Taliban, Moscow aims to protect Central Asian republics and Russia’s borders.';
    const found = keyTermsOf(quote, knownNames([quote]), rarity);
    expect(pick(found, 'name')).toEqual(expect.arrayContaining(['Taliban', 'Moscow', 'Central Asian', 'Russia']));
    expect(pick(found, 'name')).not.toContain('By');
    const russia = found.find((t) => t.text === 'Russia')!;
    expect(quote.slice(russia.start, russia.start + 6)).toBe('Russia');
    // A multi-word name is a better blank than a single word.
    expect(found[0]!.text).toBe('Central Asian');
  });

  it('takes capitals explained by position for names only when the document uses them as names elsewhere', () => {
    const label = 'Security Concerns: Preventing the resurgence of terrorist networks.';
    expect(pick(keyTermsOf(label, knownNames([label]), rarity), 'name')).toEqual([]);
    const initial = 'Moscow’s recognition may influence other nations.';
    expect(pick(keyTermsOf(initial, knownNames([initial]), rarity), 'name')).toEqual([]);
    expect(pick(keyTermsOf(initial, knownNames([initial, 'It was decided in Moscow.']), rarity), 'name')).toEqual(['Moscow']);
  });

  it('finds numbers, code spans and noun phrases', () => {
    const quote = 'In 1990, about 40% of the `rl.close()` calls failed with a significant shift in reporting.';
    const found = keyTermsOf(quote, new Set(), rarity);
    expect(pick(found, 'number')).toEqual(['1990', '40%']);
    expect(pick(found, 'code')).toEqual(['`rl.close()`']);
    expect(pick(found, 'phrase')).toEqual(expect.arrayContaining(['significant shift', 'reporting']));
    for (const t of found) expect(quote.slice(t.start, t.start + t.text.length)).toBe(t.text);
  });

  it('does not cut a phrase out of a longer one or out of a verb phrase', () => {
    const found = keyTermsOf('The situation urges stakeholders to act, and policies that curtail freedom remain.', new Set(), rarity);
    expect(pick(found, 'phrase')).toEqual([]);
  });
});
