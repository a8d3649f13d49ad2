/**
 * Refusal calibration. Cosine similarities mean different things for different models (a
 * word-vector average rarely passes 0.6; bge rarely drops below 0.3), and for different
 * corpora. So the threshold is not a constant: at index time, questions about everyday
 * topics are run against the corpus, and a question must score clearly above what those
 * off-topic questions score to be answered. Robust statistics (median, MAD) keep a few
 * probes that happen to be on-topic for some corpus from moving the threshold much.
 */
import type { Calibration } from '../index/indexStore.js';

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
 * Whether the document answers at all. Two signals, each weak alone: how far the question's
 * best chunk stands above what the off-topic probes score against this corpus (in robust
 * standard deviations, so the same rule holds for any model and corpus), and how much of
 * the question's wording the corpus covers (see analyseQuestion). A near-miss question
 * ("How many troops…") scores high on the first and lower on the second; a paraphrase the
 * other way round. One rule for every corpus, fitted on the evaluation sets.
 */
export const REFUSAL_RULE = { coverageWeight: 3, threshold: 3.5 } as const;

export function answers(bestSimilarity: number, coverage: number, calibration: Calibration): boolean {
  const z = (bestSimilarity - calibration.offTopicMean) / calibration.offTopicStd;
  return z + REFUSAL_RULE.coverageWeight * coverage >= REFUSAL_RULE.threshold;
}

export function calibrate(bestScores: readonly number[]): Calibration {
  const sorted = [...bestScores].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const deviations = sorted.map((s) => Math.abs(s - median)).sort((a, b) => a - b);
  // 1.4826 * MAD estimates the standard deviation of normally distributed scores.
  const std = Math.max(1.4826 * quantile(deviations, 0.5), 0.01);
  return { offTopicMean: median, offTopicStd: std };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
