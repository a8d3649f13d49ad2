/**
 * Expected answer types, as in classic question answering (the TREC QA systems): the form of
 * a question says what kind of statement answers it. "Why…" wants a reason; "How many…" can
 * only be answered by a passage that states a number, "On what date…" by one that states a
 * date. Wording alone cannot see this: "How many Russian troops are stationed in Kabul?"
 * shares every content word with an article that never gives a figure.
 */

export type AnswerType = 'reason' | 'quantity' | 'date';

interface TypeRule {
  type: AnswerType;
  /** Question wording that asks for this type. */
  asks: RegExp;
  /** Wording of a passage that gives it. */
  gives: RegExp;
  /**
   * Whether a passage without such wording cannot be the answer. A reason can be given in
   * any words ("Moscow aims to…", or a plain list of interests), so only numbers and dates
   * are required.
   */
  required: boolean;
}

const NUMBER_WORDS =
  'one|single|zero|none|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|quarter|third|percent|twice|double|triple';
const MONTHS = 'january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec';

/** In order: the first rule whose question wording matches decides. */
const RULES: readonly TypeRule[] = [
  {
    type: 'reason',
    asks: /^\s*(why|how come)\b|\b(reasons?|motives?|motivat\w*|purposes?|rationale)\b/i,
    gives: /\b(because|since|due to|owing to|so that|in order to|aims? to|aimed at|seeks? to|bid to|intend\w* to|to ensure|reasons?|factors?|motiv\w*|interests?|goals?|purposes?|concerns?)\b/i,
    required: false,
  },
  {
    type: 'date',
    asks: /\b(on|in|by)? ?(what|which) (exact )?(date|day|month|year)\b(?!-)|\bwhat time\b|\bsince when\b/i,
    gives: new RegExp(
      `\\b(${MONTHS})\\.? \\d|\\b\\d{1,2},? (${MONTHS})\\b|\\b(1[5-9]|20)\\d\\d\\b|\\b\\d{1,4}[-/.]\\d{1,2}[-/.]\\d{1,4}\\b|\\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow)\\b|\\b\\d{1,2}(:\\d\\d| ?[ap]\\.?m\\b)`,
      'i',
    ),
    required: true,
  },
  {
    type: 'quantity',
    // "How much" asks for an amount before a noun ("how much money"), for a degree before a
    // verb ("how much does Russia care"): only the first needs a number.
    asks: /\bhow many\b|\bhow much (?!(do|does|did|is|are|was|were|has|have|had|can|could|will|would|should|of)\b)|\bwhat (is|was|are|were) the (population|number|percentage|proportion|amount|total|cost|price|size|maximum|minimum)\b/i,
    gives: new RegExp(`\\p{N}|\\b(${NUMBER_WORDS})\\b`, 'iu'),
    required: true,
  },
];

/** The kind of statement that answers `question`, or null when its form does not say. */
export function expectedAnswerType(question: string): AnswerType | null {
  return RULES.find((r) => r.asks.test(question))?.type ?? null;
}

/** Whether `text` gives an answer of this type (a number, a date, a reason). */
export function givesAnswerType(text: string, type: AnswerType): boolean {
  return ruleOf(type).gives.test(text);
}

/** Whether only a passage giving this type can answer (numbers and dates; not reasons). */
export function answerTypeRequired(type: AnswerType): boolean {
  return ruleOf(type).required;
}

function ruleOf(type: AnswerType): TypeRule {
  return RULES.find((r) => r.type === type)!;
}
