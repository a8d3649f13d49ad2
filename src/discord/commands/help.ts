import { COLORS, DISCORD_LIMITS } from '../constants.js';
import { escapeMarkdown, joinWithin } from '../format/text.js';
import { isModerator } from '../guards/index.js';
import { invocationOf } from '../events/invocation.js';
import { send } from '../respond.js';
import { guildSettings } from '../settings.js';
import { defineCommand } from './types.js';

/** `/help`: what the bot does, its commands, and how to ask (only for the asker; moderators also see theirs). */
export const help = defineCommand({
  data: { name: 'help', description: 'What this bot does and how to ask it' },
  reply: 'private',
  async execute(interaction, _args, deps) {
    const titles = deps.engine.documents().map((d) => `“${escapeMarkdown(d.title)}”`);
    const qa = deps.config.QA_CHANNEL_IDS.map((id) => `<#${id}>`);
    const moderator = isModerator(invocationOf(interaction, 'command', 'help'), deps);
    const describe = (documents: string) => [
      `I answer questions about ${titles.length === 1 ? titles[0] : `${titles.length} documents: ${documents}`} by **quoting it word for word**, with a citation (§ section, ¶ paragraph) for every quote. I never paraphrase, and when the document does not answer I say so.`,
      '',
      '**Commands**',
      '`/ask question:` ask a question (add `private:True` to see the answer alone, `document:` to ask one document)',
      '`/sections` the table of contents',
      '`/quote section:` the exact text of a section, or of one paragraph with `paragraph:`',
      '`/summary` the key sentences of the document (or of one `section:`), quoted word for word',
      '`/quiz` a multiple-choice question for everyone here; `/quiz-scores` the leaderboard',
      '`/forget-me` erase your questions, feedback and quiz scores in this server',
      '`/help` this message',
      ...(moderator
        ? [
            '',
            '**For moderators**',
            '`/config` where I answer, cooldown, daily cap, public or private answers, moderator role, quiz duration, question length, how long questions are kept, shared documents, channels bound to documents, a thread per question',
            '`/documents add file:` add this server’s own reading (PDF, Word, web page, Markdown, text); `/documents list`, `/documents remove`',
            '`/forget-server confirm:True` erase everything I keep about this server',
            '`/report` what members asked, what went unanswered, feedback (`csv:True` for a spreadsheet)',
            '`/reindex` pick up changed documents without a restart',
          ]
        : []),
      '',
      '**Other ways to ask**',
      `Mention me in a message: ${escapeMarkdown(`@${interaction.client.user.username}`)} what does section 2 say about aid?`,
      ...(qa.length ? [`In ${qa.join(', ')} I answer every message that reads as a question.`] : []),
      '',
      '**What is kept**',
      interaction.guildId
        ? `The questions asked here, private ones too, are kept ${guildSettings(deps, interaction.guildId).retentionDays} days for this server’s moderators (\`/report\`); \`/forget-me\` erases yours.`
        : 'Questions asked in direct messages are not kept; only when you asked, for the rate limit.',
      '',
      '**Tips**',
      'Ask one thing at a time, in the words of the document. Under each answer, **More passages** shows the next quotes, **Show in context** the paragraphs around a quote, and 👍 / 👎 tell us whether it helped. In a thread I started (or a forum post), a follow-up question is read with the thread’s first question in mind, and “more” continues.',
    ].join('\n');
    // A corpus of a hundred documents would not fit: as many titles as the embed has room for, then "and K more".
    const description = describe(joinWithin(titles, DISCORD_LIMITS.embedDescription - describe('').length));
    await send(interaction, { embeds: [{ color: COLORS.info, title: 'Verbatim', description }] }, true);
  },
});
