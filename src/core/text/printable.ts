/**
 * Text from a user made safe to show back: control characters (NUL, ESC: terminal escape
 * sequences), line and paragraph separators and bidirectional overrides (text that displays
 * in another order than it reads) become spaces, and lone surrogates (not text at all)
 * become U+FFFD. Offsets do not matter here: this is for echoing, never for quoting.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
/** Half of a character: a surrogate without its pair. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function printable(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(UNPRINTABLE, ' ');
}
