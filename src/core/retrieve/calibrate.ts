/**
 * Refusal calibration. Cosine similarities mean different things for different models (a
 * word-vector average rarely passes 0.6; bge rarely drops below 0.3), and for different
 * corpora. So the threshold is not a constant: at index time, questions about everyday
 * topics are run against the corpus, and a question must score clearly above what those
 * off-topic questions score to be answered. Robust statistics (median, MAD) keep a few
 * probes that happen to be on-topic for some corpus from moving the threshold much.
 */
import type { Calibration } from '../index/indexStore.js';
import type { RefusalSignals } from '../types.js';

/**
 * Questions no ordinary document answers; their best scores model "unrelated". None of them
 * is in the evaluation sets, which measure refusals on questions the calibration never saw.
 */
export const OFF_TOPIC_PROBES: readonly string[] = [
  'What is a good recipe for lentil soup?',
  'How do I replace a bicycle chain?',
  'Who holds the record for the most Olympic gold medals?',
  'What is the boiling point of water at high altitude?',
  'How many calories are in a slice of pizza?',
  'What time does the supermarket close on Sundays?',
  'How do I train my puppy to sit?',
  'What is the plot of the latest superhero movie?',
  'Which shampoo is best for curly hair?',
  'How do I descale a kettle?',
  'What is the tallest mountain in Africa?',
  'How far is the Moon from the Earth?',
  'What are good exercises for lower back pain?',
  'How do I knit a wool scarf?',
  'Who composed the Four Seasons?',
  'What is the weather forecast for the weekend?',
  'How long does it take to roast a chicken?',
  'What is the chemical formula of table salt?',
  'How do I grow tomatoes on a balcony?',
  'Which guitar strings sound the brightest?',
  'How do penguins keep their eggs warm?',
  'What are the rules of chess castling?',
  'How do I remove a red wine stain from a carpet?',
  'What is the fastest land animal?',
  'Where can I buy cheap concert tickets?',
  'How often should I water a cactus?',
  'What does a good night skincare routine look like?',
  'How do I make cold brew coffee?',
  'Which planets have rings?',
  'How do I tie a bow tie?',
  'What is a good name for a goldfish?',
  'How do volcanoes form?',
];

/**
 * Whether the document answers at all: a linear rule over signals that are each relative to
 * this corpus and model where they can be (robust z-scores against the off-topic probes), so
 * one rule serves every corpus. The chunk's and the best sentence's similarity say whether a
 * passage is about the question; coverage says whether the corpus has words for all of it (a
 * near miss, "How many troops…", scores well on the first two and poorly on the third); a name
 * the corpus never uses says it is about something else (nameGap); token alignment says
 * whether one sentence has something for each word of the question. Alignment is a cosine
 * between token vectors, whose scale is the model's own, so each model has its rule. The
 * weights were fitted with `npm run fit-refusal` on the tuning sets only (never the held-out
 * ones).
 */
export type RefusalRule = { readonly bias: number } & { readonly [K in keyof RefusalSignals]: number };

export const REFUSAL_RULES = {
  'all-minilm-l6-v2': { bias: -4.216, chunkZ: 0.064, sentenceZ: 0.151, coverage: 0.881, nameGap: -1.656, alignment: 4.722 },
  'glove-sif-100d': { bias: -3.893, chunkZ: 0.249, sentenceZ: 0.198, coverage: 3.751, nameGap: -1.015, alignment: 0.552 },
  'all-mpnet-base-v2': { bias: -5.15, chunkZ: 0.046, sentenceZ: 0.083, coverage: 1.349, nameGap: -1.688, alignment: 5.351 },
} as const satisfies Record<string, RefusalRule>;

/**
 * For a model without a rule of its own (a downloaded bge, e5, a model folder under another
 * name) and for answers without token alignment: fitted with the bundled model without the
 * alignment signal (`npm run fit-refusal -- --without-alignment`), whose scale is a model's
 * own. The z-scores it weighs are relative to each model, so it carries over.
 */
export const GENERAL_REFUSAL_RULE: RefusalRule = { bias: -2.301, chunkZ: 0.087, sentenceZ: 0.212, coverage: 2.263, nameGap: -1.382, alignment: 0 };

/** Whether `model` (a name or a folder) has a rule fitted for it. */
export function hasOwnRefusalRule(model: string): boolean {
  return Object.hasOwn(REFUSAL_RULES, modelName(model));
}

/** The rule fitted for a model, by its name or its folder's name; the general rule otherwise. */
export function refusalRuleFor(model: string): RefusalRule {
  return hasOwnRefusalRule(model) ? (REFUSAL_RULES as Record<string, RefusalRule>)[modelName(model)]! : GENERAL_REFUSAL_RULE;
}

/** The key a model's rule has in REFUSAL_RULES: its name, or its folder's name. */
export function modelName(model: string): string {
  return model.split(/[\\/]/).filter(Boolean).pop() ?? model;
}

export function refusalScore(signals: RefusalSignals, rule: RefusalRule): number {
  return rule.bias + rule.chunkZ * signals.chunkZ + rule.sentenceZ * signals.sentenceZ + rule.coverage * signals.coverage + rule.nameGap * signals.nameGap + rule.alignment * signals.alignment;
}

/** Robust z-scores of a question's best chunk and sentence similarity against this corpus's off-topic probes. */
export function zScores(bestChunk: number, bestSentence: number, calibration: Calibration): Pick<RefusalSignals, 'chunkZ' | 'sentenceZ'> {
  return {
    chunkZ: (bestChunk - calibration.offTopicMean) / calibration.offTopicStd,
    sentenceZ: (bestSentence - calibration.sentenceMean) / calibration.sentenceStd,
  };
}

/** Median and robust spread (1.4826 × MAD) of the probes' best scores, chunk and sentence level. */
export function calibrate(bestChunkScores: readonly number[], bestSentenceScores: readonly number[]): Calibration {
  const chunk = robust(bestChunkScores);
  const sentence = robust(bestSentenceScores);
  return { offTopicMean: chunk.median, offTopicStd: chunk.std, sentenceMean: sentence.median, sentenceStd: sentence.std };
}

function robust(scores: readonly number[]): { median: number; std: number } {
  const sorted = [...scores].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const deviations = sorted.map((s) => Math.abs(s - median)).sort((a, b) => a - b);
  // 1.4826 * MAD estimates the standard deviation of normally distributed scores.
  const std = Math.max(1.4826 * quantile(deviations, 0.5), 0.01);
  return { median, std };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
