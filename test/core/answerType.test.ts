/**
 * Expected answer types: which questions need a number or a date, and which passages give one.
 */
import { describe, expect, it } from 'vitest';
import { answerTypeRequired, expectedAnswerType, givesAnswerType } from '../../src/core/retrieve/answerType.js';

describe('expected answer type', () => {
  it.each([
    ['Why did Russia recognize the Taliban?', 'reason'],
    ['What motivated the decision?', 'reason'],
    ['How many soldiers does Russia keep there?', 'quantity'],
    ['How much money was pledged?', 'quantity'],
    ['What is the population of Kabul?', 'quantity'],
    ['On what date was the embassy reopened?', 'date'],
    ['In which year did the Taliban return?', 'date'],
    // A degree, not an amount: any wording may answer it.
    ['How much does Moscow care about security?', null],
    ['When is the close event emitted?', null],
    ['Which groups are vulnerable?', null],
    ['What day-to-day tasks does it automate?', null],
  ] as const)('%s -> %s', (question, type) => {
    expect(expectedAnswerType(question)).toBe(type);
  });

  it('recognises numbers and dates in passages, not in ordinary words', () => {
    expect(givesAnswerType('The history holds 30 entries.', 'quantity')).toBe(true);
    expect(givesAnswerType('Thousands of families fled.', 'quantity')).toBe(true);
    expect(givesAnswerType('Only a single listener is kept.', 'quantity')).toBe(true);
    expect(givesAnswerType('Kabul was taken on 15 August 2021.', 'date')).toBe(true);
    expect(givesAnswerType('The talks resume on Monday.', 'date')).toBe(true);
    expect(givesAnswerType('Talks may resume soon.', 'date')).toBe(false);
    expect(givesAnswerType('Moscow aims to ensure stability.', 'reason')).toBe(true);
  });

  it('requires numbers and dates, never a reason', () => {
    expect(answerTypeRequired('quantity')).toBe(true);
    expect(answerTypeRequired('date')).toBe(true);
    expect(answerTypeRequired('reason')).toBe(false);
  });
});
