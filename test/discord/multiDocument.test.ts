/**
 * A corpus of two documents (the seed article and Node's readline docs): titles and
 * citations name their document, and long sections and contents are paged.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { APIButtonComponent } from 'discord.js';
import type { Verbatim } from '../../src/core/engine.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { unescapeMarkdown } from '../../src/discord/format/text.js';
import type { VisibleMessage } from '../fake-discord/index.js';
import { openTestEngine, startBot, type RunningBot } from './helpers.js';

let engine: Verbatim;
let run: RunningBot;

beforeAll(async () => {
  engine = await openTestEngine({ extraDocuments: [path.join(PROJECT_ROOT, 'test/fixtures/eval/node-readline.md')] });
  run = await startBot({ engine });
});
afterAll(async () => {
  await run?.stop();
  await engine?.close();
});
afterEach(() => {
  expect(run.discord.unhandled).toEqual([]);
});

const pageButton = (message: VisibleMessage, label: string) =>
  (message.components ?? []).flatMap((row) => ('components' in row ? (row.components as APIButtonComponent[]) : [])).find((b) => 'label' in b && b.label === label) as
    | (APIButtonComponent & { custom_id: string; disabled?: boolean })
    | undefined;

describe('several documents', () => {
  it('/ask document: answers from that document alone, chosen with autocomplete', async () => {
    const choices = await run.discord.sendAutocomplete({ name: 'ask', options: [{ name: 'question', value: 'x' }, { name: 'document', value: 'readline', focused: true }] });
    expect(choices.map((c) => c.value)).toEqual(['node-readline.md']);
    const question = 'How do I read a file line by line?';
    const both = await run.discord.sendSlashCommand({ name: 'ask', options: { question } }).finalMessage();
    expect(both.embeds[0]?.footer?.text).toContain('Readline');
    const alone = await run.discord.sendSlashCommand({ name: 'ask', options: { question: 'Why did Russia recognize the Taliban?', document: 'node-readline.md' } }).finalMessage();
    // The readline docs do not answer that; the seed article, which would, is not asked.
    expect(alone.embeds[0]?.footer?.text ?? '').not.toContain('Russia');
    expect((alone.embeds[0]?.description ?? '').split('\n').filter((l) => l.startsWith('> '))).toEqual([]);
    const seed = engine.documents().find((d) => d.id !== 'node-readline.md')!.id;
    const onlySeed = await run.discord.sendSlashCommand({ name: 'ask', options: { question: 'Why did Russia recognize the Taliban?', document: seed } }).finalMessage();
    expect(onlySeed.embeds[0]?.footer?.text).not.toContain('Readline');
    expect(onlySeed.embeds[0]?.description).toContain('Taliban');
  });

  it('autocomplete names each section with its document, at most 25, within 100 characters', async () => {
    const choices = await run.discord.sendAutocomplete({ name: 'quote', options: { section: 'history' } });
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) {
      expect(choice.name).toMatch(/^§\d+ .* — Readline$/);
      expect(choice.name.length).toBeLessThanOrEqual(100);
    }
    const all = await run.discord.sendAutocomplete({ name: 'quote', options: { section: '' } });
    expect(all).toHaveLength(25);
    const taliban = await run.discord.sendAutocomplete({ name: 'quote', options: { section: 'human rights' } });
    // Cut at a word boundary to fit Discord's 100 characters.
    expect(taliban[0]?.name).toBe('§3 Human Rights Concerns Amidst Russia’s Diplomatic Move — Russia Becomes the First Country to…');
  });

  it('answers cite the document of each quote', async () => {
    const message = await run.discord.sendSlashCommand({ name: 'ask', options: { question: 'How do I close the readline interface?' } }).finalMessage();
    const citations = (message.embeds[0]?.description ?? '').split('\n').filter((l) => l.startsWith('— '));
    expect(citations.length).toBeGreaterThan(0);
    for (const c of citations) expect(c).toMatch(/^— §\d+ .+, ¶\d+ · (Readline|Russia Becomes the First Country to Recognize the Taliban Government)$/);
    expect(message.embeds[0]?.footer?.text).toMatch(/Readline/);
  });

  it('/quote pages a long section at paragraph or sentence boundaries, with Previous / Next', async () => {
    const { discord } = run;
    const longest = [...engine.sections()].sort((a, b) => b.length - a.length)[0]!;
    const documentIndex = engine.documents().findIndex((d) => d.id === longest.documentId);
    const first = await discord.sendSlashCommand({ name: 'quote', options: { section: `${documentIndex}:${longest.number}` } }).finalMessage();
    expect(first.embeds[0]?.footer?.text).toMatch(/^Readline · page 1\/(\d+)$/);
    expect(pageButton(first, '◀ Previous')?.disabled).toBe(true);

    const pages = [first];
    let current = first;
    while (pageButton(current, 'Next ▶') && !pageButton(current, 'Next ▶')!.disabled) {
      const click = discord.clickButton({ customId: pageButton(current, 'Next ▶')!.custom_id, message: current });
      expect((await click.firstResponse()).type).toBe(7); // the message is updated in place
      current = await click.finalMessage();
      expect(current.id).toBe(first.id);
      pages.push(current);
    }
    expect(pages.length).toBeGreaterThan(1);
    const text = pages.map((p) => unescapeMarkdown(p.embeds[0]!.description!));
    // Each paragraph carries its ¶ number.
    const whole = engine.sectionText(longest.documentId, longest.number).map((p) => `**¶${p.paragraph}** ${p.quote}`).join('\n\n');
    // Nothing lost or added across pages, and no page starts or ends inside a word.
    expect(text.join(' ').replace(/\s+/g, ' ')).toBe(whole.replace(/\s+/g, ' '));
    for (const page of pages) expect(page.embeds[0]!.description!.length).toBeLessThanOrEqual(4096);
    for (let i = 1; i < text.length; i++) expect(whole).toContain(`${text[i - 1]!.slice(-20)}${whole.includes(`${text[i - 1]!.slice(-20)}\n\n`) ? '\n\n' : ' '}${text[i]!.slice(0, 20)}`);

    const back = await discord.clickButton({ customId: pageButton(current, '◀ Previous')!.custom_id, message: current }).finalMessage();
    expect(back.embeds[0]?.description).toBe(pages.at(-2)!.embeds[0]?.description);
  });

  it('/sections groups the contents by document, paged when long', async () => {
    const { discord } = run;
    const first = await discord.sendSlashCommand({ name: 'sections' }).finalMessage();
    const pages = [first];
    let current = first;
    while (pageButton(current, 'Next ▶') && !pageButton(current, 'Next ▶')!.disabled) {
      current = await discord.clickButton({ customId: pageButton(current, 'Next ▶')!.custom_id, message: current }).finalMessage();
      pages.push(current);
    }
    const lines = pages.flatMap((p) => unescapeMarkdown(p.embeds[0]!.description!).split('\n')).map((l) => l.trim()).filter(Boolean);
    expect(lines).toContain('**Readline**');
    expect(lines).toContain('**Russia Becomes the First Country to Recognize the Taliban Government**');
    expect(lines.filter((l) => l.startsWith('§'))).toHaveLength(engine.sections().length);
  });
});
