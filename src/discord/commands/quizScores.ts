import { InteractionContextType } from 'discord.js';
import { COLORS } from '../constants.js';
import { answerChannel, guildOnly, needsStorage } from '../guards/index.js';
import { send } from '../respond.js';
import type { LeaderboardEntry } from '../../storage/index.js';
import { defineCommand } from './types.js';

const line = (e: LeaderboardEntry) => `**${e.rank}.** <@${e.userId}>: ${e.correct} right of ${e.answered}`;

/** `/quiz-scores`: the server's quiz leaderboard (members named, nobody pinged), and where the asker stands. */
export const quizScores = defineCommand({
  data: { name: 'quiz-scores', description: "This server's quiz leaderboard", contexts: [InteractionContextType.Guild] },
  reply: 'public',
  guards: [guildOnly, needsStorage, answerChannel],
  async execute(interaction, _args, ctx) {
    const guildId = interaction.guildId!;
    const top = ctx.storage!.leaderboard(guildId);
    const me = ctx.storage!.memberScore(guildId, interaction.user.id);
    const lines = top.map(line);
    if (me && !top.some((e) => e.userId === me.userId)) lines.push('…', line(me));
    const description = lines.length ? lines.join('\n') : 'No quiz answers yet. Start one with `/quiz`!';
    await send(
      interaction,
      { embeds: [{ color: COLORS.info, title: 'Quiz leaderboard', description, footer: { text: 'Most right answers first; ties go to fewer attempts, then to whoever got there first.' } }] },
      false,
    );
  },
});
