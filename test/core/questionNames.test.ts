/** Which words of a question are names (retrieve/analyseQuestion nameWords). */
import { describe, expect, it } from 'vitest';
import { nameWords } from '../../src/core/retrieve/analyseQuestion.js';

describe('nameWords', () => {
  it('takes capitalised words after the first, lower-cased, with their possessive', () => {
    expect([...nameWords("What did Washington say about NATO and Moscow's plans?")]).toEqual(['washington', 'nato', "moscow's"]);
  });
  it('skips the first word of the question and of each sentence in it, single letters and lower-case words', () => {
    expect([...nameWords('Where do I find the history file?')]).toEqual([]);
    expect([...nameWords('Kabul: what changed?')]).toEqual([]);
    expect([...nameWords('Thanks. Where is Kabul?')]).toEqual(['kabul']);
  });

  it('takes no names from a question in capitals or Title Case, but keeps a question full of names', () => {
    expect([...nameWords('HOW DO I ERASE THE HISTORY?')]).toEqual([]);
    expect([...nameWords('What Is The Capital Of Kazakhstan?')]).toEqual([]);
    expect([...nameWords('Did Russia, China and India agree with NATO?')]).toEqual(['russia', 'china', 'india', 'nato']);
  });
});
