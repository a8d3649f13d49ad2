/** A server's settings as moderators read them (/config). */
import type { APIEmbed } from 'discord.js';
import type { GuildSettings } from '../../storage/index.js';
import { COLORS, DISCORD_LIMITS } from '../constants.js';
import { formatWait } from './time.js';
import { escapeMarkdown, joinWithin, truncateWords } from './text.js';

export function settingsEmbed(settings: GuildSettings): APIEmbed {
  const channels = settings.answerChannels.length ? joinWithin(settings.answerChannels.map((id) => `<#${id}>`), DISCORD_LIMITS.embedFieldValue) : 'Every channel I can see';
  return {
    color: COLORS.info,
    title: 'Settings of this server',
    fields: [
      { name: 'Answer channels', value: channels },
      { name: 'Moderators', value: `Members with Manage Server${settings.moderatorRoleId ? `, and the <@&${settings.moderatorRoleId}> role` : ''}`, inline: true },
      { name: 'Answers', value: settings.visibility === 'public' ? 'Public: in the channel' : 'Private: only the asker sees them', inline: true },
      { name: 'Cooldown', value: settings.cooldownSeconds === 0 ? 'Off' : `${formatWait(settings.cooldownSeconds)} between questions`, inline: true },
      { name: 'Daily cap', value: settings.dailyCap === null ? 'None' : `${settings.dailyCap} questions per member per day (UTC)`, inline: true },
      { name: 'Longest question', value: `${settings.maxQuestionLength.toLocaleString('en')} characters`, inline: true },
      { name: 'Quiz duration', value: formatWait(settings.quizDurationSeconds), inline: true },
      { name: 'Question log kept for', value: `${settings.retentionDays} ${settings.retentionDays === 1 ? 'day' : 'days'}`, inline: true },
      { name: 'Shared documents', value: settings.sharedCorpus ? 'Answer here too, besides this server’s own' : 'Off: only this server’s own documents', inline: true },
      { name: 'Threads', value: settings.answerInThreads ? 'Each question gets its own thread' : 'Answers in the channel (forum posts: in the post)', inline: true },
      ...(Object.keys(settings.channelDocuments).length > 0 ? [{ name: 'Channels bound to documents', value: truncateWords(Object.entries(settings.channelDocuments).map(([channel, ids]) => `<#${channel}>: ${ids.map((id) => `“${escapeMarkdown(id)}”`).join(', ')}`).join('\n'), 1024) }] : []),
    ],
    footer: { text: 'Moderators are exempt from the cooldown and the daily cap. Change a setting with /config <setting>.' },
  };
}
