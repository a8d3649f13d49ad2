/**
 * Button state lives in the `custom_id` (at most 100 characters) and in the message the
 * button sits on, never in memory, so buttons keep working after a restart.
 *
 * Format: `v1:<kind>:<fields…>`, colon-separated. The version prefix lets a future format
 * coexist with old messages: an id of another version, or one that does not parse, decodes
 * to `null` and the user is told the button expired.
 *
 * "More passages" does not carry the question (it can be 500+ characters): the answer embed
 * shows the question (its first line), and the id carries a 10-character hash of it, checked
 * on click, so an edited or foreign message can never make the bot answer something else.
 */
import { createHash } from 'node:crypto';
import { DISCORD_LIMITS } from '../constants.js';

const CUSTOM_ID_VERSION = 'v1';

export type CustomId =
  /** The next passages for the question shown on the message. */
  | { kind: 'more'; offset: number; questionHash: string }
  /** 👍 / 👎 on an answer; `questionId` is the storage row (0 when not recorded). */
  | { kind: 'feedback'; vote: 'up' | 'down'; questionHash: string; questionId: number }
  /** A page of /quote; `textHash` detects a document that changed since. */
  | { kind: 'quote-page'; documentHash: string; section: number; paragraph: number | null; page: number; textHash: string }
  /** A page of /sections. */
  | { kind: 'sections-page'; page: number; textHash: string }
  /** Option `option` (0-based) of quiz `quizId` (the storage row; the question and answer are there). */
  | { kind: 'quiz'; quizId: number; option: number }
  /** /forget-me's confirmation; only `userId` may press it. */
  | { kind: 'forget'; userId: string }
  /** "Show in context" for a quote: its paragraph and the ones around it; `start`/`end` locate the quote in the document. */
  | { kind: 'context'; documentHash: string; section: number; paragraph: number; start: number; end: number };

const KIND_TAGS = { more: 'more', feedback: 'fb', 'quote-page': 'qp', 'sections-page': 'sp', quiz: 'qz', forget: 'fm', context: 'cx' } as const;

/** A short, URL-safe, colon-free digest of `text`. */
export function shortHash(text: string, length = 10): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, length);
}

export function encodeCustomId(id: CustomId): string {
  const fields: (string | number)[] = (() => {
    switch (id.kind) {
      case 'more':
        return [id.offset, id.questionHash];
      case 'feedback':
        return [id.vote === 'up' ? 'u' : 'd', id.questionHash, id.questionId];
      case 'quote-page':
        return [id.documentHash, id.section, id.paragraph ?? 0, id.page, id.textHash];
      case 'sections-page':
        return [id.page, id.textHash];
      case 'quiz':
        return [id.quizId, id.option];
      case 'forget':
        return [id.userId];
      case 'context':
        return [id.documentHash, id.section, id.paragraph, id.start, id.end];
    }
  })();
  const encoded = [CUSTOM_ID_VERSION, KIND_TAGS[id.kind], ...fields].join(':');
  if (encoded.length > DISCORD_LIMITS.customId) throw new Error(`custom_id over ${DISCORD_LIMITS.customId} characters: ${encoded}`);
  return encoded;
}

const HASH = /^[\w-]{6,16}$/;
const nat = (s: string | undefined): number | null => (s !== undefined && /^\d{1,6}$/.test(s) ? Number(s) : null);
/** A row id: up to 15 digits, so always a safe integer. */
const rowId = (s: string | undefined): number | null => (s !== undefined && /^[1-9]\d{0,14}$/.test(s) ? Number(s) : null);
const SNOWFLAKE = /^\d{17,20}$/;
/** A character offset into a document: up to 9 digits (documents are at most tens of MB). */
const offset = (s: string | undefined): number | null => (s !== undefined && /^\d{1,9}$/.test(s) ? Number(s) : null);

/** The state of a button, or null when it is not ours, of another version, or malformed. */
export function decodeCustomId(customId: string): CustomId | null {
  const [version, tag, ...f] = customId.split(':');
  if (version !== CUSTOM_ID_VERSION) return null;
  switch (tag) {
    case 'more': {
      const offset = nat(f[0]);
      if (f.length !== 2 || offset === null || !HASH.test(f[1]!)) return null;
      return { kind: 'more', offset, questionHash: f[1]! };
    }
    case 'qz': {
      const [quizId, option] = [rowId(f[0]), nat(f[1])];
      if (f.length !== 2 || quizId === null || option === null) return null;
      return { kind: 'quiz', quizId, option };
    }
    case 'fm': {
      if (f.length !== 1 || !SNOWFLAKE.test(f[0]!)) return null;
      return { kind: 'forget', userId: f[0]! };
    }
    case 'fb': {
      const questionId = nat(f[2]) ?? (f[2] && /^\d{1,15}$/.test(f[2]) ? Number(f[2]) : null);
      if (f.length !== 3 || (f[0] !== 'u' && f[0] !== 'd') || !HASH.test(f[1]!) || questionId === null) return null;
      return { kind: 'feedback', vote: f[0] === 'u' ? 'up' : 'down', questionHash: f[1]!, questionId };
    }
    case 'qp': {
      const [section, paragraph, page] = [nat(f[1]), nat(f[2]), nat(f[3])];
      if (f.length !== 5 || !HASH.test(f[0]!) || section === null || paragraph === null || page === null || !HASH.test(f[4]!)) return null;
      return { kind: 'quote-page', documentHash: f[0]!, section, paragraph: paragraph === 0 ? null : paragraph, page, textHash: f[4]! };
    }
    case 'cx': {
      const [section, paragraph, start, end] = [nat(f[1]), nat(f[2]), offset(f[3]), offset(f[4])];
      if (f.length !== 5 || !HASH.test(f[0]!) || section === null || paragraph === null || start === null || end === null || end < start) return null;
      return { kind: 'context', documentHash: f[0]!, section, paragraph, start, end };
    }
    case 'sp': {
      const page = nat(f[0]);
      if (f.length !== 2 || page === null || !HASH.test(f[1]!)) return null;
      return { kind: 'sections-page', page, textHash: f[1]! };
    }
    default:
      return null;
  }
}
