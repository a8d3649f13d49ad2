/**
 * A document as an autocomplete value, and back. Discord takes values of at most 100
 * characters; document ids can be longer (servers' documents named before names were capped
 * at 100, shared documents in sub-folders). A longer id is offered as its start and a hash of
 * the whole id, which no other document's value matches.
 */
import { shortHash } from './components/customId.js';

/** Discord's limit on an autocomplete value's length. */
const MAX_VALUE_CHARS = 100;
const HASH_CHARS = 8;

/** The value that picks the document `id` in autocomplete. */
export function choiceValue(id: string): string {
  if (id.length <= MAX_VALUE_CHARS) return id;
  const start: string[] = [];
  let length = 0;
  // Cut between characters: half an emoji is not a string Discord accepts.
  for (const character of id) {
    if (length + character.length > MAX_VALUE_CHARS - HASH_CHARS - 2) break;
    start.push(character);
    length += character.length;
  }
  return `${start.join('')}…#${shortHash(id, HASH_CHARS)}`;
}

/** The document a value picks: the one with that id, else the one offered with that value. */
export function chosenDocument<T extends { id: string }>(documents: readonly T[], value: string): T | undefined {
  return documents.find((d) => d.id === value) ?? documents.find((d) => d.id.length > MAX_VALUE_CHARS && choiceValue(d.id) === value);
}
