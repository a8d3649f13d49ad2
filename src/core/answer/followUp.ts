/**
 * A follow-up question in a conversation (a Discord thread), answered with the conversation's
 * first question as context, without any language model: the follow-up is asked alone and
 * together with the first question's words, and passages from the sections that answered the
 * first question count for more. A passage must still say what the follow-up asks (its own
 * words weigh in), and the passage that best answered the first question, which the reader
 * has just read, counts for less, or "When did it happen?" would get that answer again.
 * "When did it happen?" after "Tell me about the eruption" quotes the eruption's date, not
 * another event's.
 */
import { MAX_QUESTION_CHARS } from '../limits.js';
import { askForPassages, pageOf } from './page.js';
import type { Answer, AskOptions, Passage, VerbatimEngine } from '../types.js';
import { terms } from '../text/terms.js';

/**
 * Added to a passage's score when its section answered the first question, in proportion to
 * how well that section answered it (the best section gets all of it): the first answer's
 * later passages may come from sections it was not about.
 */
export const CONTEXT_SECTION_BONUS = 0.1;
/** The follow-up asked with the first question's words counts a little less than asked alone. */
export const WITH_CONTEXT_WEIGHT = 0.9;
/** Taken from the first question's best passage: the reader has it already. */
export const ALREADY_READ_PENALTY = 0.2;
/** Added in proportion to how many of the follow-up's own words a passage uses. */
export const FOLLOW_UP_WORDS_WEIGHT = 0.3;
/** Least share of a refused follow-up's own words the document must cover for the conversation to answer it. */
export const FOLLOW_UP_MIN_COVERAGE = 0.5;
/** Sections of the first question's answer that count as its context. */
const QUESTION_WORDS = new Set(['who', 'whom', 'whose', 'what', 'when', 'where', 'which', 'why', 'how']);
const CONTEXT_PASSAGES = 5;

export async function askFollowUp(engine: VerbatimEngine, question: string, firstQuestion: string, options: AskOptions = {}): Promise<Answer> {
  const { top, offset } = pageOf(options);
  // More than one answer carries once the reader pages far: asked a page at a time.
  const wanted = offset + top + CONTEXT_PASSAGES;
  const together = `${question} ${firstQuestion}`.slice(0, MAX_QUESTION_CHARS);
  const [alone, withContext, first] = await Promise.all([
    askForPassages(engine, question, wanted),
    askForPassages(engine, together, wanted),
    engine.ask(firstQuestion, { top: CONTEXT_PASSAGES }),
  ]);
  if (!alone.answered && !withContext.answered) return alone;
  // The conversation lends a follow-up its subject, not its topic: a follow-up refused for
  // what it is (a command, a name the document lacks…) or whose own words the document does
  // not cover ("What is a good recipe for lentil soup?") stays refused, however well the
  // first question's words match.
  if (!alone.answered && (!alone.confidence || alone.confidence.coverage < FOLLOW_UP_MIN_COVERAGE)) return alone;

  const sectionKey = (p: Passage) => `${p.documentId}\u0000${p.section.number}`;
  const contextSections = new Map<string, number>();
  const firstBest = first.answered ? (first.passages[0]?.score ?? 0) : 0;
  if (firstBest > 0) for (const p of first.passages) contextSections.set(sectionKey(p), Math.max(contextSections.get(sectionKey(p)) ?? 0, p.score / firstBest));
  const alreadyRead = first.answered ? first.passages[0] : undefined;
  const best = new Map<string, Passage>();
  // Question words ask for the answer's kind; the text never "covers" them.
  const own = new Set(terms(question).filter((t) => !QUESTION_WORDS.has(t)));
  const coverage = (p: Passage) => {
    if (own.size === 0) return 0;
    const used = new Set(terms(p.quote));
    return [...own].filter((t) => used.has(t)).length / own.size;
  };
  const consider = (p: Passage, weight: number) => {
    const read = alreadyRead !== undefined && alreadyRead.documentId === p.documentId && alreadyRead.start === p.start && alreadyRead.end === p.end;
    const raw = p.score * weight + FOLLOW_UP_WORDS_WEIGHT * coverage(p) + CONTEXT_SECTION_BONUS * (contextSections.get(sectionKey(p)) ?? 0) - (read ? ALREADY_READ_PENALTY : 0);
    const score = Math.max(0, Math.min(1, raw));
    const key = `${p.documentId}\u0000${p.start}\u0000${p.end}`;
    const seen = best.get(key);
    if (!seen || seen.score < score) best.set(key, { ...p, score: Math.round(score * 1000) / 1000 });
  };
  if (alone.answered) for (const p of alone.passages) consider(p, 1);
  if (withContext.answered) for (const p of withContext.passages) consider(p, WITH_CONTEXT_WEIGHT);
  // Quotes never overlap within one answer: drop a passage overlapping a better one.
  const kept: Passage[] = [];
  for (const p of [...best.values()].sort((a, b) => b.score - a.score)) {
    if (!kept.some((k) => k.documentId === p.documentId && k.start < p.end && p.start < k.end)) kept.push(p);
  }
  return { question: alone.question, answered: true, passages: kept.slice(offset, offset + top) };
}
