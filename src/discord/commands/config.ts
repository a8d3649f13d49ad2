import { ApplicationCommandOptionType, ChannelType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { InvalidSettingsError, SETTINGS_LIMITS, type GuildSettings, type GuildSettingsPatch } from '../../storage/index.js';
import { chosenDocument } from '../documentChoice.js';
import { UserError } from '../errors.js';
import { settingsEmbed } from '../format/settings.js';
import { formatWait } from '../format/time.js';
import { guildOnly, moderatorOnly, needsStorage } from '../guards/index.js';
import { send } from '../respond.js';
import { escapeMarkdown, joinWithin } from '../format/text.js';
import { DISCORD_LIMITS } from '../constants.js';
import { ownDocumentChoices } from './documents.js';
import { defineCommand, type ArgsOf } from './types.js';

/** Where the bot can answer: text and announcement channels (with their threads), and forums. */
const ANSWER_CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum] as const;

/** Characters a list in the "Saved." line may take: the message's limit, less room for the sentence around it. */
const SAID_LIST_CHARS = DISCORD_LIMITS.content - 200;

const { Subcommand, Integer, Channel, Role, Boolean: Bool, String: Str } = ApplicationCommandOptionType;

const data = {
  name: 'config',
  description: "Moderators: this server's settings for the bot",
  // Hidden from members without Manage Server until a server says otherwise; checked again at run time.
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  contexts: [InteractionContextType.Guild],
  options: [
    { name: 'show', description: 'Show every setting', type: Subcommand },
    {
      name: 'channels',
      description: 'Where the bot answers questions (default: every channel)',
      type: Subcommand,
      options: [
        // Forums too: a new post in an answer forum is answered in the post (events/threadCreate.ts).
        { name: 'add', description: 'Answer in this channel (or forum) too', type: Channel, channel_types: ANSWER_CHANNEL_TYPES },
        { name: 'remove', description: 'Stop answering in this channel (or forum)', type: Channel, channel_types: ANSWER_CHANNEL_TYPES },
        { name: 'all', description: 'Answer in every channel again', type: Bool },
      ],
    },
    {
      name: 'cooldown',
      description: 'Seconds a member waits between two questions (0: off)',
      type: Subcommand,
      options: [{ name: 'seconds', description: 'Seconds (0 turns it off)', type: Integer, required: true, min_value: SETTINGS_LIMITS.cooldownSeconds.min, max_value: SETTINGS_LIMITS.cooldownSeconds.max }],
    },
    {
      name: 'daily-cap',
      description: 'Questions per member per day, UTC (0: no cap)',
      type: Subcommand,
      options: [{ name: 'questions', description: 'Questions per day (0: no cap)', type: Integer, required: true, min_value: 0, max_value: SETTINGS_LIMITS.dailyCap.max }],
    },
    {
      name: 'visibility',
      description: 'Whether answers are posted in the channel or shown only to the asker by default',
      type: Subcommand,
      options: [
        {
          name: 'answers',
          description: 'Public or private',
          type: Str,
          required: true,
          choices: [
            { name: 'public: in the channel', value: 'public' },
            { name: 'private: only the asker sees them', value: 'private' },
          ],
        },
      ],
    },
    {
      name: 'moderator-role',
      description: 'A role that may moderate the bot, besides Manage Server (empty: none)',
      type: Subcommand,
      options: [{ name: 'role', description: 'The role (leave empty for Manage Server only)', type: Role }],
    },
    {
      name: 'quiz-duration',
      description: 'How long a quiz stays open',
      type: Subcommand,
      options: [{ name: 'seconds', description: 'Seconds', type: Integer, required: true, min_value: SETTINGS_LIMITS.quizDurationSeconds.min, max_value: SETTINGS_LIMITS.quizDurationSeconds.max }],
    },
    {
      name: 'question-length',
      description: 'The longest question accepted',
      type: Subcommand,
      options: [{ name: 'characters', description: 'Characters', type: Integer, required: true, min_value: SETTINGS_LIMITS.maxQuestionLength.min, max_value: SETTINGS_LIMITS.maxQuestionLength.max }],
    },
    {
      name: 'shared-corpus',
      description: "Whether the bot's shared documents answer here besides this server's own",
      type: Subcommand,
      options: [{ name: 'enabled', description: 'True: both; False: only this server’s documents', type: Bool, required: true }],
    },
    {
      name: 'documents',
      description: "Bind a channel to some of this server's documents (it answers from those only)",
      type: Subcommand,
      options: [
        { name: 'channel', description: 'The channel (or forum)', type: Channel, required: true, channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum] },
        { name: 'document', description: 'A document to add to the channel’s (start typing its title)', type: Str, autocomplete: true },
        { name: 'clear', description: 'True: the channel answers from every document again', type: Bool },
      ],
    },
    {
      name: 'threads',
      description: 'Answer each question in a new thread (forum posts are always answered in the post)',
      type: Subcommand,
      options: [{ name: 'enabled', description: 'True: a thread per question', type: Bool, required: true }],
    },
    {
      name: 'retention',
      description: 'Days the question log is kept (for /report) before it is deleted',
      type: Subcommand,
      options: [{ name: 'days', description: 'Days', type: Integer, required: true, min_value: SETTINGS_LIMITS.retentionDays.min, max_value: SETTINGS_LIMITS.retentionDays.max }],
    },
  ],
} as const;

type ConfigArgs = ArgsOf<typeof data>;

/** The change a subcommand asks for (null: only show), and how to say it. */
function change(args: ConfigArgs, current: GuildSettings, ownDocuments: readonly string[]): { patch: GuildSettingsPatch; said: string } | null {
  switch (args.subcommand) {
    case 'show':
      return null;
    case 'channels': {
      if (args.all) return { patch: { answerChannels: [] }, said: 'I answer in every channel again.' };
      if (!args.add && !args.remove) return null;
      let channels = current.answerChannels.filter((id) => id !== args.remove);
      if (args.add && !channels.includes(args.add)) channels = [...channels, args.add];
      if (args.remove && channels.length === 0 && current.answerChannels.length > 0) {
        throw new UserError('last-answer-channel', 'That is the last answer channel; removing it would make me answer everywhere. Add another first, or use `all:True`.');
      }
      return { patch: { answerChannels: channels }, said: `I answer in ${channels.length ? joinWithin(channels.map((id) => `<#${id}>`), SAID_LIST_CHARS) : 'every channel'}.` };
    }
    case 'cooldown':
      return { patch: { cooldownSeconds: args.seconds }, said: args.seconds === 0 ? 'The cooldown is off.' : `Members wait ${formatWait(args.seconds)} between questions.` };
    case 'daily-cap':
      return { patch: { dailyCap: args.questions === 0 ? null : args.questions }, said: args.questions === 0 ? 'There is no daily cap.' : `Members may ask ${args.questions} questions a day.` };
    case 'visibility':
      return { patch: { visibility: args.answers === 'private' ? 'private' : 'public' }, said: `Answers are ${args.answers === 'private' ? 'private (only the asker sees them) unless the asker says otherwise' : 'public unless the asker asks privately'}.` };
    case 'moderator-role':
      return { patch: { moderatorRoleId: args.role ?? null }, said: args.role ? `Members with <@&${args.role}> may moderate, besides Manage Server.` : 'Only members with Manage Server may moderate.' };
    case 'quiz-duration':
      return { patch: { quizDurationSeconds: args.seconds }, said: `Quizzes stay open ${formatWait(args.seconds)}.` };
    case 'question-length':
      return { patch: { maxQuestionLength: args.characters }, said: `Questions may be up to ${args.characters.toLocaleString('en')} characters long.` };
    case 'retention':
      return { patch: { retentionDays: args.days }, said: `Questions are kept ${args.days} ${args.days === 1 ? 'day' : 'days'}, then deleted.` };
    case 'shared-corpus':
      return { patch: { sharedCorpus: args.enabled }, said: args.enabled ? "The bot's shared documents answer here too." : "Only this server's own documents answer here." };
    case 'threads':
      return { patch: { answerInThreads: args.enabled }, said: args.enabled ? 'Each question gets its own thread.' : 'Answers are posted in the channel.' };
    case 'documents':
      return bindDocuments(args, current, ownDocuments);
  }
}

/** `/config documents`: add a document to a channel's binding, or clear it. */
function bindDocuments(args: Extract<ConfigArgs, { subcommand: 'documents' }>, current: GuildSettings, ownDocuments: readonly string[]): { patch: GuildSettingsPatch; said: string } | null {
  const bindings = { ...current.channelDocuments };
  if (args.clear) {
    delete bindings[args.channel];
    return { patch: { channelDocuments: bindings }, said: `<#${args.channel}> answers from every document again.` };
  }
  if (!args.document) return null;
  const document = chosenDocument(ownDocuments.map((id) => ({ id })), args.document)?.id;
  if (!document) throw new UserError('unknown-document', 'That is not one of this server’s documents: pick one from the list as you type (`/documents list` shows them).');
  const ids = [...new Set([...(bindings[args.channel] ?? []), document])];
  bindings[args.channel] = ids;
  return { patch: { channelDocuments: bindings }, said: `<#${args.channel}> answers from ${joinWithin(ids.map((id) => `“${escapeMarkdown(id)}”`), SAID_LIST_CHARS)} only.` };
}

/** `/config show|channels|cooldown|daily-cap|visibility|moderator-role|quiz-duration|question-length|retention`, for moderators. */
export const config = defineCommand({
  data,
  reply: 'private',
  guards: [guildOnly, needsStorage, moderatorOnly],
  async execute(interaction, args, ctx) {
    const storage = ctx.storage!;
    const guildId = interaction.guildId!;
    const current = storage.getSettings(guildId);
    const wanted = change(args, current, ctx.library?.list(guildId).map((d) => d.id) ?? []);
    let settings = current;
    if (wanted) {
      try {
        settings = storage.updateSettings(guildId, wanted.patch);
      } catch (error) {
        if (error instanceof InvalidSettingsError) throw new UserError('invalid-setting', `That setting is not valid: ${error.issues.join('; ')}.`);
        throw error;
      }
      ctx.logger.info({ event: 'settings-changed', guildId, userId: interaction.user.id, changes: wanted.patch }, 'settings changed');
    }
    await send(interaction, { ...(wanted ? { content: `Saved. ${wanted.said}` } : {}), embeds: [settingsEmbed(settings)] }, true);
  },
  autocomplete: ownDocumentChoices,
});
