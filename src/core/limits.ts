/** Limits of the engine, in one place. Adapters may apply stricter ones of their own. */

/** Longest question accepted, in characters: a long paragraph, and Discord's message length. */
export const MAX_QUESTION_CHARS = 2000;
/** Most passages one answer may carry. */
export const MAX_TOP = 20;
/** Passages per answer unless asked otherwise. */
export const DEFAULT_TOP = 3;
/** Sentences in a summary unless asked otherwise. */
export const DEFAULT_SUMMARY_SENTENCES = 5;
/** Most sentences one summary may quote (asking for more gets this many). */
export const MAX_SUMMARY_SENTENCES = 20;
