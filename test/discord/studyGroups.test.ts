/**
 * Study groups end to end: moderation settings (/config), rate limits and answer channels,
 * /summary, quizzes with buttons and a leaderboard, /report, /forget-me, /reindex, and what
 * survives a restart. The real bot and engine against the fake Discord; quiz time is moved
 * by hand with an injected scheduler.
 */
import sharp from 'sharp';
import { CHART_SIZE } from '../../src/discord/format/reportChart.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ButtonStyle, MessageFlags, PermissionFlagsBits, type APIButtonComponent } from 'discord.js';
import type { Verbatim } from '../../src/core/engine.js';
import { foldWhitespace } from '../../src/core/answer/makePassage.js';
import { readQuestion } from '../../src/discord/format/answer.js';
import { unescapeMarkdown } from '../../src/discord/format/text.js';
import type { Storage } from '../../src/storage/index.js';
import type { VisibleMessage } from '../fake-discord/index.js';
import { manualScheduler, openTestEngine, sleep, startBot, wrapEngine, type RunningBot } from './helpers.js';

const STUDY = '1100000000000000011';
const OFFTOPIC = '1100000000000000012';
const OPERATOR = '1200000000000000001';
const world = {
  guilds: [
    {
      roles: [{ name: 'Mod', permissions: PermissionFlagsBits.ManageGuild }, { name: 'Helpers' }],
      channels: [{ name: 'general' }, { id: STUDY, name: 'study' }, { id: OFFTOPIC, name: 'off-topic' }],
      members: [
        { user: { username: 'owner' } },
        { user: { username: 'tester' } },
        { user: { username: 'alice' } },
        { user: { username: 'bob' } },
        { user: { username: 'carol' } },
        { user: { username: 'dave' } },
        { user: { username: 'mod' }, roles: ['Mod'] },
        { user: { username: 'helper' }, roles: ['Helpers'] },
        { user: { id: OPERATOR, username: 'operator' } },
      ],
    },
  ],
};

let engine: Verbatim & { corpusDir: string };
let run: RunningBot;
const scheduler = manualScheduler();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-study-'));

beforeAll(async () => {
  engine = await openTestEngine({ copyCorpus: true });
  // `slow: <question>` takes 300 ms: long enough to ask again while it is being answered.
  const slowable = wrapEngine(engine, async (question, options, ask) => {
    if (!question.startsWith('slow: ')) return ask(question, options);
    await sleep(300);
    return ask(question.slice(6), options);
  });
  run = await startBot({ engine: slowable, dataDir, scheduler, env: { BOT_OWNER_IDS: OPERATOR, QA_CHANNEL_IDS: OFFTOPIC }, fake: world });
});
afterAll(async () => {
  await run?.stop();
  await engine?.close();
});
afterEach(() => {
  expect(run.discord.unhandled).toEqual([]);
  expect(run.discord.gatewayProblems).toEqual([]);
});

// ------------------------------------------------------------------ helpers

const storage = (): Storage => run.deps.storage!;
const guildId = () => run.discord.guild.id;
const channelId = (name: string) => run.discord.guild.findChannel(name)!.id;
const userId = (name: string) => run.discord.guild.findMember(name)!.user.id;
const isEphemeral = (m: VisibleMessage) => ((m.flags ?? 0) & MessageFlags.Ephemeral) === MessageFlags.Ephemeral;

type Options = Record<string, string | number | boolean>;
function command(name: string, { user = 'tester', channel = 'general', options, subcommand }: { user?: string; channel?: string; options?: Options; subcommand?: string } = {}) {
  return run.discord.sendSlashCommand({ name, user, channelId: channelId(channel), ...(options ? { options } : {}), ...(subcommand ? { subcommand } : {}) });
}
const ask = (question: string, user = 'tester', extra: Options = {}, channel = 'general') => command('ask', { user, channel, options: { question, ...extra } }).finalMessage();
const configure = (subcommand: string, options?: Options, user = 'mod') => command('config', { user, subcommand, ...(options ? { options } : {}) }).finalMessage();

function buttons(message: Pick<VisibleMessage, 'components'>): APIButtonComponent[] {
  return (message.components ?? []).flatMap((row) => ('components' in row ? (row.components as APIButtonComponent[]) : []));
}
const customId = (b: APIButtonComponent) => ('custom_id' in b ? b.custom_id : '');

function pingsNobody(message: VisibleMessage): void {
  expect(message.allowed_mentions?.parse).toEqual([]);
  expect(message.mentions).toEqual([]);
  expect(message.mention_roles).toEqual([]);
  expect(message.mention_everyone).toBe(false);
}

/** The current state of a message the bot sent (after edits). */
function current(messageId: string): VisibleMessage {
  const stored = run.discord.messages.find((m) => m.message.id === messageId)!;
  return { ...structuredClone(stored.message), allowed_mentions: stored.allowedMentions, files: stored.files };
}

/** Posts a quiz in `channel` and returns its message and its stored row. */
async function postQuiz(channel = 'general', user = 'tester') {
  const message = await command('quiz', { user, channel }).finalMessage();
  // The bot stores the message id once Discord has answered its reply, which on a busy
  // machine can be after the message is already visible here.
  const quiz = await vi.waitFor(() => {
    const open = storage().openQuizIn(guildId(), channelId(channel))!;
    expect(open.messageId).toBe(message.id);
    return open;
  });
  return { message, quiz };
}
const click = (message: VisibleMessage, option: number, user: string) =>
  run.discord.clickButton({ customId: customId(buttons(message)[option]!), message, user }).finalMessage();

// ------------------------------------------------------------------ tests

describe('commands', () => {
  it('registers the moderator commands for Manage Server only, in servers only', () => {
    const byName = new Map(run.discord.commands.map((c) => [c.name, c]));
    for (const name of ['config', 'documents', 'report', 'reindex', 'forget-server']) expect(byName.get(name)?.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    for (const name of ['ask', 'summary', 'quiz', 'quiz-scores', 'forget-me']) expect(byName.get(name)?.default_member_permissions ?? null).toBeNull();
    for (const name of ['config', 'report', 'quiz', 'quiz-scores', 'forget-me']) expect(byName.get(name)?.contexts).toEqual([0]);
    expect(byName.get('config')?.options?.map((o) => o.name)).toEqual(['show', 'channels', 'cooldown', 'daily-cap', 'visibility', 'moderator-role', 'quiz-duration', 'question-length', 'shared-corpus', 'documents', 'threads', 'retention']);
  });

  it('/help lists the new commands, and the moderator commands to moderators only', async () => {
    const member = (await command('help').finalMessage()).embeds[0]!.description!;
    for (const name of ['/summary', '/quiz', '/quiz-scores', '/forget-me']) expect(member).toContain(name);
    expect(member).not.toContain('/config');
    const moderator = (await command('help', { user: 'mod' }).finalMessage()).embeds[0]!.description!;
    for (const name of ['/config', '/report', '/reindex']) expect(moderator).toContain(name);
  });
});

describe('moderators', () => {
  it('a member cannot use /config or /report: refused privately at run time, nothing changed', async () => {
    const show = await configure('show', undefined, 'tester');
    expect(show.content).toBe('Only moderators can do that: members with the Manage Server permission.');
    expect(isEphemeral(show)).toBe(true);
    const change = await configure('cooldown', { seconds: 1 }, 'tester');
    expect(change.content).toMatch(/^Only moderators/);
    expect(storage().getSettings(guildId()).cooldownSeconds).toBe(10);
    const report = await command('report', { user: 'tester' }).finalMessage();
    expect(report.content).toMatch(/^Only moderators/);
    expect(report.embeds).toEqual([]);
    expect(run.logs.lines.filter((l) => l.refused === 'moderators-only')).toHaveLength(3);
  });

  it('moderators are members with Manage Server, the moderator role, or a bot owner', async () => {
    const shown = await configure('show');
    expect(isEphemeral(shown)).toBe(true);
    expect(shown.embeds[0]?.title).toBe('Settings of this server');
    const fields = Object.fromEntries(shown.embeds[0]!.fields!.map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({ 'Answer channels': 'Every channel I can see', Cooldown: '10 s between questions', 'Daily cap': '50 questions per member per day (UTC)', 'Quiz duration': '1 min', 'Question log kept for': '30 days' });

    expect((await command('report', { user: 'helper' }).finalMessage()).content).toMatch(/^Only moderators/);
    const helpers = run.discord.guild.role('Helpers').id;
    const set = await configure('moderator-role', { role: helpers });
    expect(set.content).toBe(`Saved. Members with <@&${helpers}> may moderate, besides Manage Server.`);
    pingsNobody(set);
    expect((await command('report', { user: 'helper' }).finalMessage()).embeds[0]?.title).toMatch(/^Report/);
    // A bot owner, with no permission in this server.
    expect((await configure('show', undefined, 'operator')).embeds[0]?.title).toBe('Settings of this server');
    await configure('moderator-role');
    expect(storage().getSettings(guildId()).moderatorRoleId).toBeNull();
    expect((await command('report', { user: 'helper' }).finalMessage()).content).toMatch(/^Only moderators/);
  });
});

describe('rate limits', () => {
  it('cooldown (default 10 s): a second question is refused privately with "try again in N s"; moderators are exempt', async () => {
    const first = await ask('What happens to journalists?', 'alice');
    expect(readQuestion(first.embeds[0])).toBe('What happens to journalists?');
    const second = await ask('Why did Russia recognize the Taliban?', 'alice');
    expect(second.content).toMatch(/^You're asking quickly: try again in ([1-9]|10) s\.$/);
    expect(isEphemeral(second)).toBe(true);
    // A mention cannot be answered privately: a short reply, pinging nobody.
    const mention = await run.discord.sendMessage({ content: `${run.discord.botMention} why did Russia recognize the Taliban?`, user: 'alice' });
    expect(mention.reply?.content).toMatch(/^You're asking quickly: try again in \d+ s\.$/);
    expect(mention.reply?.embeds).toEqual([]);
    pingsNobody(mention.reply!);

    for (let i = 0; i < 2; i++) expect(readQuestion((await ask('What happens to journalists?', 'mod')).embeds[0])).toBe('What happens to journalists?');
    // Refused questions are not recorded (they do not extend the cooldown or count toward the cap).
    expect(storage().buildReport(guildId()).total).toBe(3);
  });

  it('daily cap: over it, a private refusal until midnight UTC', async () => {
    await configure('cooldown', { seconds: 0 });
    expect((await configure('daily-cap', { questions: 2 })).content).toBe('Saved. Members may ask 2 questions a day.');
    for (let i = 0; i < 2; i++) expect((await ask('What happens to journalists?', 'bob')).embeds).toHaveLength(1);
    const third = await ask('What happens to journalists?', 'bob');
    expect(third.content).toMatch(/^You've reached today's limit of questions in this server\. Try again in (\d+ h( \d+ min)?|\d+ min( \d+ s)?|\d+ s) \(the limit resets at 00:00 UTC\)\.$/);
    expect(isEphemeral(third)).toBe(true);
    expect((await configure('daily-cap', { questions: 0 })).content).toBe('Saved. There is no daily cap.');
    expect((await ask('What happens to journalists?', 'bob')).embeds).toHaveLength(1);
  });

  it('one question at a time per member: a second one while the first is being answered is refused', async () => {
    const slow = command('ask', { user: 'carol', options: { question: 'slow: What happens to journalists?' } });
    await sleep(50); // it is with the engine now
    const meanwhile = await ask('Why did Russia recognize the Taliban?', 'carol');
    expect(meanwhile.content).toBe("I'm still answering your previous question. Ask again once it is answered.");
    expect(isEphemeral(meanwhile)).toBe(true);
    expect(readQuestion((await slow.finalMessage()).embeds[0])).toBe('slow: What happens to journalists?');
    expect(readQuestion((await ask('Why did Russia recognize the Taliban?', 'carol')).embeds[0])).toBe('Why did Russia recognize the Taliban?');
  });
});

describe('answer channels, visibility and question length (per server)', () => {
  it('outside the answer channels: a private pointer to where the bot answers', async () => {
    const saved = await configure('channels', { add: STUDY });
    expect(saved.content).toBe(`Saved. I answer in <#${STUDY}>.`);
    const refused = await ask('What happens to journalists?');
    expect(refused.content).toBe(`I don't answer in this channel. Ask me in <#${STUDY}>.`);
    expect(isEphemeral(refused)).toBe(true);
    expect((await command('summary').finalMessage()).content).toMatch(/^I don't answer in this channel/);
    expect((await command('quiz').finalMessage()).content).toMatch(/^I don't answer in this channel/);
    const mention = await run.discord.sendMessage({ content: `${run.discord.botMention} what happens to journalists?` });
    expect(mention.reply?.content).toBe(`I don't answer in this channel. Ask me in <#${STUDY}>.`);
    pingsNobody(mention.reply!);

    expect(readQuestion((await ask('What happens to journalists?', 'tester', {}, 'study')).embeds[0])).toBe('What happens to journalists?');
    // A Q&A channel (QA_CHANNEL_IDS) that is not an answer channel of this server stays quiet.
    const qa = await run.discord.sendMessage({ channelId: OFFTOPIC, content: 'What happens to journalists?', user: 'dave', timeoutMs: 150 });
    expect(qa.reply).toBeNull();
    // Moderator commands work anywhere.
    expect((await configure('show')).embeds[0]?.fields?.[0]?.value).toBe(`<#${STUDY}>`);
    expect((await configure('channels', { all: true })).content).toBe('Saved. I answer in every channel again.');
    expect((await ask('What happens to journalists?')).embeds).toHaveLength(1);
    const answered = await run.discord.sendMessage({ channelId: OFFTOPIC, content: 'What happens to journalists?', user: 'dave' });
    expect(readQuestion(answered.reply?.embeds[0])).toBe('What happens to journalists?');
  });

  it('/ask follows the server\'s visibility unless the asker says otherwise', async () => {
    await configure('visibility', { answers: 'private' });
    expect(isEphemeral(await ask('What happens to journalists?'))).toBe(true);
    expect(isEphemeral(await ask('What happens to journalists?', 'tester', { private: false }))).toBe(false);
    await configure('visibility', { answers: 'public' });
    expect(isEphemeral(await ask('What happens to journalists?'))).toBe(false);
  });

  it('the maximum question length is the server\'s', async () => {
    await configure('question-length', { characters: 30 });
    const long = await ask('What happens to journalists in Afghanistan now?');
    expect(long.content).toBe('Your question is 47 characters long; I accept up to 30. Please ask something shorter.');
    await configure('question-length', { characters: 500 });
  });
});

describe('/summary', () => {
  const text = () => foldWhitespace(fs.readFileSync(path.join(engine.corpusDir, 'russia-recognizes-taliban.txt'), 'utf8'));
  /** [quote, citation] pairs of a summary message. */
  const quotes = (message: VisibleMessage) =>
    message.embeds
      .flatMap((e) => (e.description ?? '').split('\n\n'))
      .map((block) => {
        const lines = block.split('\n');
        // A list item's lead-in (the line introducing the list) is shown in italics above it.
        const quoted = lines.filter((l) => l.startsWith('> ') && !/^> \*.*\*$/.test(l));
        return [unescapeMarkdown(quoted.map((l) => l.slice(2)).join('\n')), unescapeMarkdown(lines.at(-1)!.replace(/^— /, ''))];
      });

  it('quotes the key sentences verbatim, each with its citation, in document order', async () => {
    const expected = await engine.summarise({ sentences: 5 });
    const message = await command('summary').finalMessage();
    expect(message.embeds[0]?.title).toBe('Summary of “Russia Becomes the First Country to Recognize the Taliban Government”');
    expect(quotes(message)).toEqual(expected.passages.map((p) => [p.quote, `§${p.section.number} ${p.section.title}, ¶${p.paragraph}`]));
    for (const [quote] of quotes(message)) expect(text()).toContain(quote);
    const starts = expected.passages.map((p) => p.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(message.embeds.at(-1)?.footer?.text).toBe('5 sentences, in document order, quoted word for word');
    pingsNobody(message);
  });

  it('of one section, with a length; the section autocompletes', async () => {
    expect(await run.discord.sendAutocomplete({ name: 'summary', options: { section: 'human rights' } })).toEqual([
      { name: '§3 Human Rights Concerns Amidst Russia’s Diplomatic Move', value: '0:3' },
    ]);
    const message = await command('summary', { options: { section: '0:3', length: 2 } }).finalMessage();
    expect(message.embeds[0]?.title).toBe('Summary of §3 Human Rights Concerns Amidst Russia’s Diplomatic Move');
    const got = quotes(message);
    expect(got).toHaveLength(2);
    for (const [quote, citation] of got) {
      expect(citation).toMatch(/^§3 Human Rights Concerns Amidst Russia’s Diplomatic Move, ¶\d+$/);
      expect(text()).toContain(quote);
    }
  });
});

describe('quizzes', () => {
  it('a full quiz: buttons, private acknowledgements, first answer counts, close, answer with its sentence, leaderboard', async () => {
    const { message, quiz } = await postQuiz();
    expect(isEphemeral(message)).toBe(false);
    expect(message.embeds[0]?.title).toBe('Quiz: fill in the blank');
    expect(unescapeMarkdown(message.embeds[0]!.description!)).toContain(`> ${quiz.prompt}`);
    expect(quiz.prompt).toContain('_____');
    expect(buttons(message).map((b) => ('label' in b ? b.label : ''))).toEqual(quiz.options.map((o, i) => `${'ABCD'[i]}. ${o}`));
    expect(buttons(message).map(customId)).toEqual(quiz.options.map((_, i) => `v1:qz:${quiz.id}:${i}`));
    expect(quiz.closesAt - quiz.openedAt).toBe(60_000);
    const wrong = (quiz.answerIndex + 1) % 4;

    const right = await click(message, quiz.answerIndex, 'alice');
    expect(right.content).toMatch(/^✅ Right: /);
    expect(isEphemeral(right)).toBe(true);
    const miss = await click(message, wrong, 'bob');
    expect(miss.content).toMatch(/^❌ Not quite: .* is not it\. The answer is revealed <t:\d+:R>\.$/);
    expect(miss.content).not.toContain(`**${'ABCD'[quiz.answerIndex]}. `); // the answer is not given away
    expect((await click(message, wrong, 'alice')).content).toMatch(/^You already answered this quiz; your first answer counts/);
    expect((await command('quiz', { user: 'carol' }).finalMessage()).content).toMatch(/^A quiz is already running in this channel; it closes <t:\d+:R>\.$/);

    await scheduler.advance(60_000);
    const closed = current(message.id);
    expect(closed.embeds[0]?.title).toBe('Quiz: closed');
    expect(buttons(closed).every((b) => 'disabled' in b && b.disabled)).toBe(true);
    expect(buttons(closed).map((b) => b.style)).toEqual(quiz.options.map((_, i) => (i === quiz.answerIndex ? ButtonStyle.Success : ButtonStyle.Secondary)));
    const description = unescapeMarkdown(closed.embeds[0]!.description!);
    expect(description).toContain(`Answer: ${'ABCD'[quiz.answerIndex]}. ${quiz.options[quiz.answerIndex]}`);
    expect(description).toContain(`> ${quiz.passage.quote}\n— §${quiz.passage.section.number} ${quiz.passage.section.title}, ¶${quiz.passage.paragraph}`);
    expect(description).toContain(`1 of 2 got it right: <@${userId('alice')}>.`);
    pingsNobody(closed);
    // The edited quiz says it all: no second message repeats it.
    await vi.waitFor(() => expect(run.logs.lines.find((l) => l.event === 'quiz-closed' && l.quizId === quiz.id)).toBeDefined());
    expect(run.discord.messages.filter((m) => m.message.content.startsWith('**Quiz closed.**'))).toEqual([]);

    expect((await click(message, quiz.answerIndex, 'carol')).content).toMatch(/^This quiz has closed\. The answer was \*\*/);
    const scores = await command('quiz-scores').finalMessage();
    expect(scores.embeds[0]?.description).toBe(`**1.** <@${userId('alice')}>: 1 right of 1\n**2.** <@${userId('bob')}>: 0 right of 1`);
    pingsNobody(scores);
    await vi.waitFor(() => expect(run.logs.lines.find((l) => l.event === 'quiz-closed')).toMatchObject({ quizId: quiz.id, reason: 'time', answered: 2, correct: 1 }));
  });

  it('lasts as long as the server set', async () => {
    expect((await configure('quiz-duration', { seconds: 10 })).content).toBe('Saved. Quizzes stay open 10 s.');
    const { quiz } = await postQuiz('off-topic');
    expect(quiz.closesAt - quiz.openedAt).toBe(10_000);
    await scheduler.advance(10_000);
    expect(storage().getQuiz(quiz.id)?.closedAt).not.toBeNull();
    await configure('quiz-duration', { seconds: 60 });
  });

  it('posts the result as a message when the quiz message was deleted before it closed', async () => {
    const { message, quiz } = await postQuiz('study');
    await click(message, quiz.answerIndex, 'bob');
    // A moderator deleted the quiz message: there is nothing to edit, so the result is posted.
    run.discord.messages.find((m) => m.message.id === message.id)!.deleted = true;
    await scheduler.advance(60_000);
    const line = await run.discord.waitForMessage((m) => m.content.startsWith('**Quiz closed.**'));
    const lines = unescapeMarkdown(line.content).split('\n');
    expect(lines[0]).toBe(`**Quiz closed.** The answer was **${'ABCD'[quiz.answerIndex]}. ${quiz.options[quiz.answerIndex]}**:`);
    expect(lines.slice(-3)).toEqual([`> ${quiz.passage.quote}`, `— §${quiz.passage.section.number} ${quiz.passage.section.title}, ¶${quiz.passage.paragraph}`, `1 of 1 got it right: <@${userId('bob')}>.`]);
    pingsNobody(line);
  });
});

describe('a restart (same DATA_DIR)', () => {
  it('keeps settings, scores, the question log with feedback, and an open quiz, which still closes', async () => {
    await configure('cooldown', { seconds: 42 });
    const answer = await ask('What happens to journalists?', 'mod');
    await run.discord.clickButton({ customId: customId(buttons(answer).find((b) => 'emoji' in b && b.emoji?.name === '👍')!), message: answer, user: 'dave' }).finalMessage();
    const { message, quiz } = await postQuiz('study');
    await click(message, quiz.answerIndex, 'dave');
    const { from: _from, to: _to, ...before } = storage().buildReport(guildId());

    await run.restart();
    expect(storage().getSettings(guildId()).cooldownSeconds).toBe(42);
    expect((await configure('show')).embeds[0]?.fields?.find((f) => f.name === 'Cooldown')?.value).toBe('42 s between questions');
    expect(storage().buildReport(guildId())).toMatchObject(before);
    expect(before.feedback.up).toBeGreaterThanOrEqual(1);
    // The quiz is still open, its close re-armed; answers still count, and the first one still stands.
    expect((await click(message, (quiz.answerIndex + 1) % 4, 'dave')).content).toMatch(/^You already answered/);
    expect((await click(message, quiz.answerIndex, 'carol')).content).toMatch(/^✅ Right/);
    await scheduler.advance(60_000);
    await vi.waitFor(() => expect(unescapeMarkdown(current(message.id).embeds[0]!.description!)).toContain(`2 of 2 got it right: <@${userId('dave')}>, <@${userId('carol')}>.`));
    const scores = (await command('quiz-scores').finalMessage()).embeds[0]!.description!;
    expect(scores).toContain(`<@${userId('alice')}>: 1 right of 1`);
    expect(scores).toContain(`<@${userId('dave')}>: 1 right of 1`);
    await configure('cooldown', { seconds: 0 });
  });

  it('closes a quiz that ended while the bot was away as soon as it is back', async () => {
    const { message, quiz } = await postQuiz('study');
    await click(message, quiz.answerIndex, 'bob');
    await run.restart({ whileStopped: () => scheduler.advance(5 * 60_000) });
    await vi.waitFor(() => expect(current(message.id).embeds[0]?.title).toBe('Quiz: closed'));
    expect(unescapeMarkdown(current(message.id).embeds[0]!.description!)).toContain(`1 of 1 got it right: <@${userId('bob')}>.`);
    await vi.waitFor(() => expect(run.logs.lines.find((l) => l.event === 'quiz-closed' && l.quizId === quiz.id)).toMatchObject({ reason: 'overdue' }));
  });
});

describe('/report', () => {
  it('for moderators, privately: counts, most asked, unanswered questions, feedback, cited sections; CSV on request', async () => {
    await ask('What is the best recipe for chocolate cake?', 'carol');
    const report = await command('report', { user: 'mod' }).finalMessage();
    expect(isEphemeral(report)).toBe(true);
    const embed = report.embeds[0]!;
    const stored = storage().buildReport(guildId());
    expect(embed.title).toBe('Report: the last 7 days');
    expect(embed.description).toContain(`**${stored.total}** questions from **${stored.uniqueMembers}** members:`);
    const field = (name: string) => embed.fields!.find((f) => f.name.startsWith(name))!.value;
    expect(field('Most asked')).toMatch(/^1\. What happens to journalists\? \(×\d+\)/);
    expect(field('Unanswered')).toContain('What is the best recipe for chocolate cake?');
    expect(field('Feedback')).toMatch(/^👍 \d+ · 👎 \d+: \d+% found the answer helpful\.$/);
    expect(field('Most cited sections')).toMatch(/^1\. §\d+ [^§]+ \(\d+\)/);
    // The chart: a PNG of the promised size, shown inside the embed.
    expect(report.files.map((f) => [f.name, f.contentType])).toEqual([['report.png', 'image/png']]);
    expect(embed.image?.url).toBe('attachment://report.png');
    const png = await sharp(report.files[0]!.data).metadata();
    expect([png.format, png.width, png.height]).toEqual(['png', CHART_SIZE.width, CHART_SIZE.height]);

    const withCsv = await command('report', { user: 'mod', options: { days: 1, csv: true } }).finalMessage();
    expect(withCsv.files.map((f) => f.name)).toEqual(['report.png', 'report.csv']);
    const csv = withCsv.files[1]!.text();
    expect(csv.split('\n')[0]).toBe('\uFEFFid,asked_at,channel_id,user_id,question,outcome,cited_sections,latency_ms,feedback_up,feedback_down');
    expect(csv).toContain('What is the best recipe for chocolate cake?');
    expect(csv.trim().split('\n')).toHaveLength(stored.total + 1);
  });
});

describe('/forget-me', () => {
  it('after a confirmation only that member can press, erases their questions, feedback and scores here', async () => {
    expect(storage().memberScore(guildId(), userId('alice'))).not.toBeNull();
    const aliceAsked = () => storage().reportCsv(guildId()).split('\n').filter((l) => l.includes(`,${userId('alice')},`)).length;
    expect(aliceAsked()).toBeGreaterThan(0);

    const prompt = await command('forget-me', { user: 'alice' }).finalMessage();
    expect(isEphemeral(prompt)).toBe(true);
    expect(prompt.content).toMatch(/This cannot be undone\.$/);
    const [erase] = buttons(prompt);
    expect(customId(erase!)).toBe(`v1:fm:${userId('alice')}`);
    // Someone else pressing it (a forged click) does nothing.
    const other = await run.discord.clickButton({ customId: customId(erase!), message: prompt, user: 'bob' }).finalMessage();
    expect(other.content).toBe('This button is for the member who asked for it.');
    expect(aliceAsked()).toBeGreaterThan(0);

    const done = await run.discord.clickButton({ customId: customId(erase!), message: prompt, user: 'alice' }).finalMessage();
    expect(done.content).toMatch(/^Done\. I erased \d+ questions? you asked here \(with the feedback on them\), \d+ votes? you gave and 1 quiz answer\./);
    expect(done.components).toEqual([]);
    expect(aliceAsked()).toBe(0);
    expect(storage().memberScore(guildId(), userId('alice'))).toBeNull();
    expect((await command('quiz-scores').finalMessage()).embeds[0]!.description).not.toContain(userId('alice'));
    // The log says how much was erased, never what.
    const logged = run.logs.lines.find((l) => l.event === 'forget-me')!;
    expect(logged).toMatchObject({ userId: userId('alice'), questions: expect.any(Number), feedbackGiven: expect.any(Number), quizAnswers: 1 });
    expect(JSON.stringify(logged)).not.toMatch(/journalists|Russia|Taliban/);
  });
});

describe('/reindex', () => {
  it('members cannot; moderators can: nothing to do when unchanged, a rebuild that swaps in when the documents changed', async () => {
    expect((await command('reindex', { user: 'tester' }).finalMessage()).content).toMatch(/^Only moderators/);
    const unchanged = await command('reindex', { user: 'mod' }).finalMessage();
    expect(unchanged.content).toBe('The documents have not changed since the index was built: nothing to rebuild.');
    expect(isEphemeral(unchanged)).toBe(true);

    const file = path.join(engine.corpusDir, 'russia-recognizes-taliban.txt');
    fs.appendFileSync(file, '\n\nThe study group meets every Thursday in the library to discuss the recognition of the Taliban.\n');
    const rebuilt = await command('reindex', { user: 'operator' }).finalMessage({ timeoutMs: 20_000 });
    expect(rebuilt.content).toMatch(/^Rebuilt the index in \d+\.\d s: 1 document, \d+ sections\. It is answering now/);
    const answer = await ask('When does the study group meet?', 'mod');
    expect(unescapeMarkdown(answer.embeds[0]!.description!)).toContain('The study group meets every Thursday in the library');
    expect(run.logs.lines.find((l) => l.msg === 'index rebuilt and swapped in')).toMatchObject({ event: 'reindex', changed: true, owner: true });
  });
});
