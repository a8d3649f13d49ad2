/**
 * Which passages an ask wants (`top` from `offset`), and an engine's best passages beyond
 * the MAX_TOP one answer carries: what an answer merged from several asks (a DocumentSet, a
 * follow-up) needs to page as far as a single engine does.
 */
import { DEFAULT_TOP, MAX_TOP } from '../limits.js';
import type { Answer, AskOptions, Passage, VerbatimEngine } from '../types.js';

/**
 * `top` within 1..MAX_TOP and `offset` from 0, whole numbers. A `top` that is not a number
 * gets the default and an infinite one the limit; an `offset` that is not a finite number
 * gets 0 (NaN passed through Math.max/min would otherwise lift every limit).
 */
export function pageOf(options: AskOptions): { top: number; offset: number } {
  const top = options.top === undefined || Number.isNaN(options.top) ? DEFAULT_TOP : Math.max(1, Math.min(MAX_TOP, Math.floor(options.top)));
  const offset = options.offset === undefined || !Number.isFinite(options.offset) ? 0 : Math.max(0, Math.floor(options.offset));
  return { top, offset };
}

/**
 * An engine's `count` best passages, however many: asked MAX_TOP at a time (one answer
 * carries no more) until the engine has no more. Answers page consistently (a later page
 * continues the earlier one), so the pages joined are the ranking one big ask would give.
 * The result is the first page's answer (its refusal, its confidence) with every page's passages.
 */
export async function askForPassages(engine: VerbatimEngine, question: string, count: number): Promise<Answer> {
  const passages: Passage[] = [];
  let first: Answer | undefined;
  for (;;) {
    const top = Math.min(MAX_TOP, count - passages.length);
    const page = await engine.ask(question, { top, offset: passages.length });
    first ??= page;
    if (!page.answered) break;
    passages.push(...page.passages);
    if (page.passages.length < top || passages.length >= count) break;
  }
  return first.answered ? { ...first, passages } : first;
}
