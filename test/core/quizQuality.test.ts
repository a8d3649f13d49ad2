/**
 * What makes a quiz question worth taking, on small fixtures with exact expectations: a blank
 * is one content word or one noun phrase (never a verb with its subject), a distractor is
 * never another name for the answer, and frequent names lead no more than their share.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Verbatim } from '../../src/core/engine.js';
import { documentAliases, sameThing } from '../../src/core/quiz/aliases.js';
import { keyTermsOf, type KeyTerm } from '../../src/core/quiz/keyTerms.js';
import { spreadAnswers, type Candidate } from '../../src/core/quiz/makeQuestion.js';

const rarity = () => 0.5;
const phrases = (quote: string) => keyTermsOf(quote, new Set(), rarity).filter((t) => t.kind === 'phrase').map((t) => t.text);

describe('blanks', () => {
  it('never take a verb with its subject', () => {
    expect(phrases('This move signals a potential shift in geopolitical alignments.')).not.toContain('move signals');
    expect(phrases('This move comes amid ongoing debates over legitimacy.')).not.toContain('move comes');
    expect(phrases('Key human rights issues under scrutiny include: press freedom and education.')).not.toContain('scrutiny include');
  });

  it('still take noun phrases, plural ones included', () => {
    expect(phrases('This move signals a potential shift in geopolitical alignments.')).toEqual(expect.arrayContaining(['potential shift', 'geopolitical alignments']));
    expect(phrases('The broader implications of this recognition resonate widely.')).toContain('broader implications');
    expect(phrases('The talks stalled during a financial crisis in the region.')).toContain('financial crisis');
  });
});

describe('aliases', () => {
  it('knows a country by its capital and its other names', () => {
    expect(sameThing('Moscow', 'Russia')).toBe(true);
    expect(sameThing('Kabul', 'Afghanistan')).toBe(true);
    expect(sameThing('USA', 'Washington')).toBe(true);
    expect(sameThing('China', 'Russia')).toBe(false);
    expect(sameThing('Moscow', 'Kabul')).toBe(false);
  });

  it('takes the aliases a document declares in brackets', () => {
    const declared = documentAliases(['Members of the Collective Security Treaty Organization (CSTO) met in Minsk.']);
    expect(sameThing('CSTO', 'Collective Security Treaty Organization', declared)).toBe(true);
    expect(sameThing('CSTO', 'Minsk', declared)).toBe(false);
  });
});

describe('distractors', () => {
  const SENTENCES = [
    'Diplomats in Moscow said the talks with Beijing would resume after the summer recess.',
    'Officials in Kabul welcomed the decision while Tehran remained silent on the matter.',
    'Observers expect India and Pakistan to follow the lead of Russia within a year.',
    'The agreement with China covers mining rights in the northern provinces of Afghanistan.',
    'Analysts say Turkey and Qatar have kept open channels to the new government.',
    'Trade between Russia and Afghanistan doubled after the border crossing reopened.',
    'Critics in Washington argued that recognition by Moscow rewards the seizure of power.',
    'Envoys from Uzbekistan and Tajikistan travelled to Kabul for the signing ceremony.',
  ];
  let engine: Verbatim;
  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-quizq-'));
    fs.mkdirSync(path.join(root, 'corpus'));
    fs.writeFileSync(path.join(root, 'corpus', 'news.txt'), `Recognition\n\n${SENTENCES.join(' ')}\n`);
    engine = await Verbatim.open({ corpus: path.join(root, 'corpus'), indexDir: path.join(root, 'index') });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('are never another name for the answer (a capital for its country)', () => {
    const asked = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const q = engine.quiz({ seed });
      if (!q) continue;
      const answer = q.options[q.answerIndex]!;
      asked.add(answer);
      for (const option of q.options) if (option !== answer) expect(sameThing(option, answer), `${option} offered for ${answer}`).toBe(false);
      // Nor are two wrong options the same thing.
      const wrong = q.options.filter((o) => o !== answer);
      for (const a of wrong) for (const b of wrong) if (a !== b) expect(sameThing(a, b)).toBe(false);
    }
    // The fixture does ask about the names that have aliases.
    expect([...asked].some((a) => ['Moscow', 'Russia', 'Kabul', 'Afghanistan'].includes(a))).toBe(true);
  });
});

describe('frequent names', () => {
  const term = (text: string): KeyTerm => ({ text, kind: 'name', start: 0, words: 1, weight: 1 });

  it('lead no more questions than their share of the sentences they can be blanked in', () => {
    // "Russia" is the best term of all six sentences; each also has a name of its own.
    const pool: Candidate[] = ['India', 'China', 'Iran', 'Qatar', 'Turkey', 'Kabul'].map((other, id) => ({ id, doc: 0, centrality: 1 - id / 10, terms: [term('Russia'), term(other)] }));
    spreadAnswers(pool);
    // Russia is usable in 6 of 12 (sentence, term) pairs: its share is half of 6 questions.
    expect(pool.map((c) => c.terms[0]!.text)).toEqual(['Russia', 'Russia', 'Russia', 'Qatar', 'Turkey', 'Kabul']);
    // Every term is still there, only the order changed.
    expect(pool.every((c) => c.terms.length === 2)).toBe(true);
  });

  it('keep leading a sentence that has nothing else to ask', () => {
    const pool: Candidate[] = [0, 1, 2].map((id) => ({ id, doc: 0, centrality: 1, terms: [term('Russia')] }));
    spreadAnswers(pool);
    expect(pool.map((c) => c.terms[0]!.text)).toEqual(['Russia', 'Russia', 'Russia']);
  });
});
