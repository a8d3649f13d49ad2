/** The Discord formatting on its own: escaping, paging, limits, custom ids. */
import { describe, expect, it } from 'vitest';
import type { Answer, Passage } from '../../src/core/types.js';
import { decodeCustomId, encodeCustomId, type CustomId } from '../../src/discord/components/customId.js';
import { formatWait } from '../../src/discord/format/time.js';
import { summaryReply } from '../../src/discord/format/summary.js';
import { DISCORD_LIMITS } from '../../src/discord/constants.js';
import { readsAsQuestion, questionFrom } from '../../src/discord/events/messageCreate.js';
import { answerReply, readQuestion } from '../../src/discord/format/answer.js';
import { escapeMarkdown, packPages, splitWords, truncateWords, unescapeMarkdown } from '../../src/discord/format/text.js';
import { deferDelay, withDeadline } from '../../src/discord/deadline.js';

const passage = (quote: string, n = 1): Passage => ({
  quote,
  document: 'Doc',
  documentId: 'doc.md',
  section: { number: n, title: `Section ${n}` },
  paragraph: 1,
  start: 0,
  end: quote.length,
  score: 0.9,
});

describe('escapeMarkdown', () => {
  it.each([
    '@everyone @here <@123456789012345678> <@&123456789012345678> <#1> <t:0:R>',
    '**bold** __under__ *it* ~~strike~~ ||spoiler|| `code` ```js\nfence\n```',
    '# heading\n> quote\n- item\n+ item\n1. numbered\n  -# subtext',
    '[masked](https://example.com) \\ back\\slash \\*already\\*',
    'Plain text, with punctuation (parentheses) and Taliban-Led hyphens.',
  ])('renders as written and round-trips: %s', (text) => {
    const escaped = escapeMarkdown(text);
    expect(unescapeMarkdown(escaped)).toBe(text);
    expect(escaped).not.toMatch(/(^|[^\\])(@everyone|<@|```|\|\||\*\*)/);
  });

  it('leaves ordinary punctuation alone', () => {
    expect(escapeMarkdown('Taliban-Led Afghanistan (2021).')).toBe('Taliban-Led Afghanistan (2021).');
  });
});

describe('paging', () => {
  const text = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} is here, with a few more words to read.`).join(' ');

  it('cuts pages between sentences, never inside a word, losing nothing', () => {
    const pages = packPages([text], 500);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(500);
      expect(page).toMatch(/\.$/);
    }
    expect(pages.join(' ')).toBe(text);
  });

  it('falls back to word boundaries for a sentence longer than a page', () => {
    const long = 'word '.repeat(300).trim();
    const pages = packPages([long], 100);
    for (const page of pages) expect(splitWords(page).every((w) => w.trim() === 'word')).toBe(true);
    expect(pages.join(' ')).toBe(long);
  });

  it('truncates labels at a word boundary with an ellipsis', () => {
    expect(truncateWords('alpha beta gamma delta', 12)).toBe('alpha beta…');
  });
});

describe('answer embeds', () => {
  const answer = (passages: Passage[]): Answer => ({ question: 'q', answered: true, passages });

  it('stay within Discord limits with huge passages, cutting at sentences and dropping what does not fit', () => {
    const huge = Array.from({ length: 200 }, (_, i) => `This is sentence ${i} of a very long paragraph.`).join(' ');
    const reply = answerReply({ question: 'What?', answer: answer([passage(huge, 1), passage(huge, 2), passage(huge, 3)]), offset: 0, top: 3, showDocument: false });
    const embed = reply.embeds[0]!;
    expect(embed.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect((embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    expect(reply.shown).toHaveLength(1);
    expect(embed.description).toMatch(/paragraph\. …\n— §1 Section 1, ¶1$/);
    // The rest is reachable with "More passages", which starts after what was shown.
    const more = reply.components[0]!.components.find((b) => 'label' in b && b.label === 'More passages');
    expect(decodeCustomId((more as { custom_id: string }).custom_id)).toMatchObject({ kind: 'more', offset: 1 });
  });

  it('carry the question on their first line, escaped, and give it back', () => {
    const question = '@everyone what is `x` **really**?';
    const reply = answerReply({ question, answer: answer([passage('A quote.')]), offset: 0, top: 3, showDocument: false });
    expect(reply.embeds[0]!.description!.split('\n')[0]).toBe('**Q:** \\@everyone what is \\`x\\` \\*\\*really\\*\\*?');
    expect(readQuestion(reply.embeds[0])).toBe(question);
    // Fewer passages than asked for: there are no more.
    expect(reply.components[0]!.components.some((b) => 'label' in b && b.label === 'More passages')).toBe(false);
  });
});

describe('custom ids', () => {
  const ids: CustomId[] = [
    { kind: 'more', offset: 3, questionHash: 'abcdefghij' },
    { kind: 'feedback', vote: 'down', questionHash: 'abc-ef_hij', questionId: 123456789 },
    { kind: 'quote-page', documentHash: 'abcdefgh', section: 12, paragraph: null, page: 2, textHash: 'zyxwvuts' },
    { kind: 'quote-page', documentHash: 'abcdefgh', section: 12, paragraph: 4, page: 0, textHash: 'zyxwvuts' },
    { kind: 'sections-page', page: 1, textHash: 'zyxwvuts' },
    { kind: 'quiz', quizId: 123456789012345, option: 3 },
    { kind: 'forget', userId: '12345678901234567890' },
    { kind: 'context', documentHash: 'abcdefgh', section: 12, paragraph: 3, start: 123456789, end: 123456999 },
  ];
  it.each(ids)('round-trip within 100 characters: %o', (id) => {
    const encoded = encodeCustomId(id);
    expect(encoded.length).toBeLessThanOrEqual(100);
    expect(encoded.startsWith('v1:')).toBe(true);
    expect(decodeCustomId(encoded)).toEqual(id);
  });
  it.each(['v0:more:3:abcdefghij', 'v1:more:x:abcdefghij', 'v1:nope:1', 'page:2', '', 'v1:fb:maybe:abcdefghij:1', 'v1:qz:0:1', 'v1:qz:12:x', 'v1:qz:1234567890123456:1', 'v1:fm:123', 'v1:fm:12345678901234567:x', 'v1:cx:abcdefgh:1:2:30:20', 'v1:cx:abcdefgh:1:2:1234567890:1234567891'])('reject %j', (id) => {
    expect(decodeCustomId(id)).toBeNull();
  });
});

describe('summaries', () => {
  it('quote whole sentences over several embeds, within 6,000 characters; what does not fit is left out and said', () => {
    const sentences = Array.from({ length: 20 }, (_, i) => passage(`Sentence ${i} ${'word '.repeat(80).trim()}.`, i));
    const reply = summaryReply({ title: 'Summary of “Doc”', passages: sentences, showDocument: false });
    const embeds = reply.embeds ?? [];
    const total = embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0);
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    for (const e of embeds) expect(e.description!.length).toBeLessThanOrEqual(4096);
    const quoted = embeds.flatMap((e) => e.description!.split('\n\n')).map((b) => b.split('\n')[0]!.slice(2));
    expect(quoted).toEqual(sentences.slice(0, reply.shown).map((p) => p.quote));
    expect(reply.shown).toBeLessThan(20);
    expect(embeds.at(-1)?.footer?.text).toBe(`${reply.shown} sentences, in document order, quoted word for word · ${20 - reply.shown} more did not fit: ask for fewer, or for one section`);
  });
});

describe('waits', () => {
  it.each([
    [0.2, '1 s'],
    [7, '7 s'],
    [60, '1 min'],
    [200, '3 min 20 s'],
    [3600, '1 h'],
    [3601, '1 h 1 min'],
    [18_720, '5 h 12 min'],
    [86_399, '24 h'],
  ])('%d s reads "%s"', (seconds, text) => {
    expect(formatWait(seconds)).toBe(text);
  });
});

describe('questions in messages', () => {
  it.each([
    ['What happens to journalists?', true],
    ['why did Russia do it', true],
    ['Is aid affected', true],
    ['thanks everyone', false],
    ['the meeting is at 5', false],
    ['', false],
  ])('%j reads as a question: %s', (text, expected) => {
    expect(readsAsQuestion(text)).toBe(expected);
  });
  it('drops mentions of the bot from the question', () => {
    expect(questionFrom('<@123>  what is   this? <@!123>', '123')).toBe('what is this?');
  });
});

describe('deadline', () => {
  it('calls onSlow only when the work is late', async () => {
    let slow = 0;
    expect(await withDeadline(Promise.resolve(1), 50, async () => void slow++)).toBe(1);
    expect(await withDeadline(new Promise((r) => setTimeout(r, 60, 2)), 10, async () => void slow++)).toBe(2);
    expect(slow).toBe(1);
    await expect(withDeadline(Promise.reject(new Error('x')), 10, async () => void slow++)).rejects.toThrow('x');
  });
  it('counts from the interaction creation, clamped', () => {
    expect(deferDelay(1000, 1000, 1300)).toBe(700);
    expect(deferDelay(1000, 1000, 5000)).toBe(0);
    expect(deferDelay(9000, 1000, 5000)).toBe(1000);
  });
});
