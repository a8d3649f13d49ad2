import { ApplicationCommandOptionType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { DEFAULT_REPORT_DAYS } from '../../storage/index.js';
import { reportEmbed } from '../format/report.js';
import { CHART_FILE, reportChartPng } from '../format/reportChart.js';
import { guildOnly, moderatorOnly, needsStorage } from '../guards/index.js';
import { withInteractionDeadline } from '../deadline.js';
import { send } from '../respond.js';
import { guildSettings } from '../settings.js';
import { defineCommand } from './types.js';

/** `/report [days:<int>] [csv:<bool>]`, for moderators, privately: what members asked and what the document does not cover. */
export const report = defineCommand({
  data: {
    name: 'report',
    description: 'Moderators: what members asked, what went unanswered, and the feedback',
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
    options: [
      { name: 'days', description: `How many days back (default ${DEFAULT_REPORT_DAYS})`, type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: 365 },
      { name: 'csv', description: 'Attach every question of the period as report.csv', type: ApplicationCommandOptionType.Boolean },
    ],
  },
  reply: 'private',
  guards: [guildOnly, needsStorage, moderatorOnly],
  async execute(interaction, { days = DEFAULT_REPORT_DAYS, csv = false }, ctx) {
    const guildId = interaction.guildId!;
    const storage = ctx.storage!;
    const built = storage.buildReport(guildId, { days });
    // Drawing the chart loads the charting libraries on first use: defer if it runs late.
    const chart = await withInteractionDeadline(interaction, ctx.config.DEFER_AFTER_MS, 'private', reportChartPng(built));
    const files = [
      ...(chart ? [{ attachment: chart, name: CHART_FILE }] : []),
      ...(csv ? [{ attachment: Buffer.from(storage.reportCsv(guildId, { days }), 'utf8'), name: 'report.csv' }] : []),
    ];
    const embed = reportEmbed(built, guildSettings(ctx, guildId).retentionDays);
    // The chart shows inside the embed, under its fields.
    await send(interaction, { embeds: [chart ? { ...embed, image: { url: `attachment://${CHART_FILE}` } } : embed], ...(files.length ? { files } : {}) }, true);
    ctx.logger.info({ event: 'report', guildId, userId: interaction.user.id, days, csv, questions: built.total }, 'report');
  },
});
