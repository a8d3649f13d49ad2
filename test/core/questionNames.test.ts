/** Which words of a question are names (retrieve/analyseQuestion nameWords). */
import { describe, expect, it } from 'vitest';
import { nameWords } from '../../src/core/retrieve/analyseQuestion.js';

describe('nameWords', () => {
  it('takes capitalised words after the first, lower-cased, with their possessive', () => {
    expect([...nameWords("What did Washington say about NATO and Moscow's plans?")]).toEqual(['washington', 'nato', "moscow's"]);
  });
  it('skips the first word, single letters and lower-case words', () => {
    expect([...nameWords('Where do I find the history file?')]).toEqual([]);
    expect([...nameWords('Kabul: what changed?')]).toEqual([]);
  });
});
