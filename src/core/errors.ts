/**
 * Expected failures carry a code so adapters can explain them without a stack trace
 * (the CLI prints the message and exits non-zero; the bot answers privately).
 */
export type VerbatimErrorCode =
  | 'EMPTY_QUESTION'
  | 'QUESTION_TOO_LONG'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_LOAD_FAILED'
  | 'CORPUS_EMPTY'
  | 'CORPUS_UNREADABLE'
  | 'INDEX_MISSING'
  | 'INDEX_STALE'
  | 'INDEX_CORRUPT'
  | 'INDEX_UNUSABLE'
  | 'UNKNOWN_SECTION'
  | 'UNKNOWN_DOCUMENT';

export class VerbatimError extends Error {
  constructor(
    readonly code: VerbatimErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VerbatimError';
  }
}
