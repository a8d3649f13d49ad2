/** Each model answers to the refusal rule fitted for it (retrieve/calibrate). */
import { describe, expect, it } from 'vitest';
import { GENERAL_REFUSAL_RULE, REFUSAL_RULES, hasOwnRefusalRule, refusalRuleFor, refusalScore } from '../../src/core/retrieve/calibrate.js';

describe('refusalRuleFor', () => {
  it('finds a model by its name or its folder, on any platform', () => {
    expect(refusalRuleFor('glove-sif-100d')).toBe(REFUSAL_RULES['glove-sif-100d']);
    expect(refusalRuleFor('/srv/verbatim/models/glove-sif-100d/')).toBe(REFUSAL_RULES['glove-sif-100d']);
    expect(refusalRuleFor('C:\\verbatim\\models\\all-minilm-l6-v2')).toBe(REFUSAL_RULES['all-minilm-l6-v2']);
  });

  it('gives a model without a rule of its own the general rule, which does not weigh alignment (its scale is a model’s own)', () => {
    expect(refusalRuleFor('Xenova/bge-small-en-v1.5')).toBe(GENERAL_REFUSAL_RULE);
    expect(hasOwnRefusalRule('Xenova/bge-small-en-v1.5')).toBe(false);
    expect(hasOwnRefusalRule('models/all-minilm-l6-v2')).toBe(true);
    expect(GENERAL_REFUSAL_RULE.alignment).toBe(0);
  });

  it('weighs a name the corpus never uses against answering, and alignment for it', () => {
    const base = { chunkZ: 5, sentenceZ: 5, coverage: 0.8, nameGap: 0, alignment: 0.6 };
    for (const rule of Object.values(REFUSAL_RULES)) {
      expect(refusalScore({ ...base, nameGap: 1 }, rule)).toBeLessThan(refusalScore(base, rule));
      expect(refusalScore({ ...base, alignment: 0.9 }, rule)).toBeGreaterThan(refusalScore(base, rule));
    }
    expect(refusalScore({ ...base, nameGap: 1 }, GENERAL_REFUSAL_RULE)).toBeLessThan(refusalScore(base, GENERAL_REFUSAL_RULE));
  });
});
