/**
 * Builders for what the fake dispatches: INTERACTION_CREATE and MESSAGE_CREATE payloads.
 *
 * discord.js constructs its structures inside the gateway handler; a missing field there
 * (`entitlements`, `authorizing_integration_owners`, `member.user`) throws inside the
 * handler and the event never reaches the bot, with no error anywhere. So the payloads
 * carry every field real Discord sends that discord.js reads.
 */
import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  InteractionType,
  MessageType,
  type APIApplicationCommand,
  type APIApplicationCommandOption,
  type APIGuildMember,
  type APIInteraction,
  type APIAttachment,
  type APIInteractionDataResolved,
  type APIMessage,
  type APIUser,
  type GatewayMessageCreateDispatchData,
  type Locale,
} from 'discord-api-types/v10';
import type { FakeGuild } from './guilds.js';
import { createSnowflake } from './snowflake.js';

export type OptionValue = string | number | boolean;

/** An option as the user filled it in. `type` is taken from the registered command when omitted. */
export interface CommandOptionInput {
  name: string;
  type?: ApplicationCommandOptionType;
  value?: OptionValue;
  /** Autocomplete: the option being typed. */
  focused?: boolean;
  /** For subcommands and groups. */
  options?: CommandOptionInput[];
}

/** Options as a list (wire-like) or as `{ question: '...' }`. */
export type CommandOptionsInput = CommandOptionInput[] | Record<string, OptionValue>;

/** Who invokes an interaction, where, and with which permissions. */
export interface InteractionSource {
  guild: FakeGuild | null;
  channelId: string;
  user: APIUser;
  /** The member as sent (roles may differ from the guild's record for this one interaction). */
  member: APIGuildMember | null;
  memberPermissions: bigint;
  appPermissions: bigint;
  locale: Locale;
  /** Files the user uploaded (FakeDiscord.uploadAttachment), for attachment options. */
  attachment?: (id: string) => APIAttachment | undefined;
}

/** Discord's upload limit for a server without boosts. */
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/** Interaction tokens are opaque, URL-safe and long; discord.js only puts them in paths. */
function interactionToken(): string {
  return `fake.${randomBytes(48).toString('base64url')}`;
}

export function buildInteraction(
  applicationId: string,
  source: InteractionSource,
  type: InteractionType,
  data: unknown,
  message?: APIMessage,
): APIInteraction {
  const { guild, channelId, user, member } = source;
  const channel = guild?.findChannel(channelId);
  const payload = {
    id: createSnowflake(),
    application_id: applicationId,
    type,
    token: interactionToken(),
    version: 1,
    data,
    app_permissions: source.appPermissions.toString(),
    locale: source.locale,
    entitlements: [],
    authorizing_integration_owners: guild
      ? { [ApplicationIntegrationType.GuildInstall]: guild.id }
      : { [ApplicationIntegrationType.GuildInstall]: '0' },
    context: guild ? InteractionContextType.Guild : InteractionContextType.BotDM,
    attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
    channel_id: channelId,
    ...(guild && member
      ? {
          guild_id: guild.id,
          guild: { id: guild.id, locale: guild.preferredLocale as Locale, features: [] },
          guild_locale: guild.preferredLocale as Locale,
          channel: channel ?? { id: channelId, type: ChannelType.GuildText },
          member: { ...member, user, permissions: source.memberPermissions.toString() },
        }
      : {
          user,
          channel: { id: channelId, type: ChannelType.DM, recipients: [user], last_message_id: null, flags: 0 },
        }),
    ...(message ? { message } : {}),
  };
  // The union of discord-api-types' interaction wrappers cannot be narrowed from a built
  // object; the fields above are the ones each variant requires.
  return payload as unknown as APIInteraction;
}

/** `data` of a chat input command or autocomplete interaction, checked against the registered definition. */
export function buildCommandData(
  command: APIApplicationCommand | undefined,
  name: string,
  input: CommandOptionsInput | undefined,
  path: { subcommandGroup?: string; subcommand?: string },
  source: InteractionSource,
): Record<string, unknown> {
  const options = normalizeOptions(input);
  let definitions = command?.options;
  // Subcommands wrap the leaf options: group > subcommand > options.
  const wrap: { name: string; type: ApplicationCommandOptionType }[] = [];
  for (const [key, type] of [
    [path.subcommandGroup, ApplicationCommandOptionType.SubcommandGroup],
    [path.subcommand, ApplicationCommandOptionType.Subcommand],
  ] as const) {
    if (!key) continue;
    const definition = definitions?.find((o) => o.name === key && o.type === type);
    if (command && !definition) throw new Error(`FakeDiscord: /${name} has no ${ApplicationCommandOptionType[type]} "${key}"`);
    definitions = definition && 'options' in definition ? (definition.options as APIApplicationCommandOption[] | undefined) : undefined;
    wrap.push({ name: key, type });
  }
  const resolved: APIInteractionDataResolved = {};
  const leaves = options.map((option) => typedOption(option, definitions, name, command !== undefined, source, resolved));
  if (command) checkRequired(definitions, leaves, name);
  let wrapped: unknown[] = leaves;
  for (const level of wrap.reverse()) wrapped = [{ name: level.name, type: level.type, options: wrapped }];
  return {
    id: command?.id ?? createSnowflake(),
    name,
    type: ApplicationCommandType.ChatInput,
    ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    options: wrapped,
    ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
  };
}

function normalizeOptions(input: CommandOptionsInput | undefined): CommandOptionInput[] {
  if (!input) return [];
  if (Array.isArray(input)) return input;
  return Object.entries(input).map(([name, value]) => ({ name, value }));
}

function typedOption(
  option: CommandOptionInput,
  definitions: readonly APIApplicationCommandOption[] | undefined,
  commandName: string,
  strict: boolean,
  source: InteractionSource,
  resolved: APIInteractionDataResolved,
): Record<string, unknown> {
  const definition = definitions?.find((d) => d.name === option.name);
  if (strict && !definition) {
    const known = (definitions ?? []).map((d) => d.name).join(', ') || 'none';
    throw new Error(`FakeDiscord: /${commandName} has no option "${option.name}" (options: ${known})`);
  }
  const type = option.type ?? definition?.type ?? inferType(option.value);
  const value = option.value;
  if (strict && !option.focused && value !== undefined && !valueFits(type, value)) {
    throw new Error(`FakeDiscord: option "${option.name}" of /${commandName} is ${ApplicationCommandOptionType[type]}, got ${JSON.stringify(value)}`);
  }
  if (strict && !option.focused && type === ApplicationCommandOptionType.Channel && typeof value === 'string' && definition && 'channel_types' in definition && definition.channel_types) {
    // Discord's picker offers only the channel types the option allows.
    const channel = source.guild?.findChannel(value);
    if (channel && !(definition.channel_types as readonly number[]).includes(channel.type)) {
      throw new Error(`FakeDiscord: option "${option.name}" of /${commandName} accepts channel types ${definition.channel_types.join(', ')}; users cannot pick ${value} (type ${channel.type})`);
    }
  }
  if (typeof value === 'string') addResolved(type, value, source, resolved);
  return {
    name: option.name,
    type,
    // Discord sends the focused option's partial input as typed, i.e. a string.
    ...(value !== undefined ? { value: option.focused ? String(value) : value } : {}),
    ...(option.focused ? { focused: true } : {}),
  };
}

function inferType(value: OptionValue | undefined): ApplicationCommandOptionType {
  if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
  return ApplicationCommandOptionType.String;
}

function valueFits(type: ApplicationCommandOptionType, value: OptionValue): boolean {
  switch (type) {
    case ApplicationCommandOptionType.String:
      return typeof value === 'string';
    case ApplicationCommandOptionType.Integer:
      return typeof value === 'number' && Number.isInteger(value);
    case ApplicationCommandOptionType.Number:
      return typeof value === 'number';
    case ApplicationCommandOptionType.Boolean:
      return typeof value === 'boolean';
    default:
      return typeof value === 'string';
  }
}

function checkRequired(definitions: readonly APIApplicationCommandOption[] | undefined, given: Record<string, unknown>[], commandName: string): void {
  for (const definition of definitions ?? []) {
    if ('required' in definition && definition.required && !given.some((g) => g.name === definition.name)) {
      throw new Error(`FakeDiscord: /${commandName} requires option "${definition.name}"`);
    }
  }
}

/** User, channel, role and mentionable options carry their objects in `data.resolved`. */
function addResolved(type: ApplicationCommandOptionType, id: string, source: InteractionSource, resolved: APIInteractionDataResolved): void {
  const guild = source.guild;
  const asUser = (): boolean => {
    const member = guild?.findMember(id);
    if (!member) return false;
    resolved.users = { ...resolved.users, [id]: member.user };
    const { user: _user, ...rest } = member;
    const permissions = guild!.channelPermissions(id, member.roles, source.channelId).toString();
    resolved.members = { ...resolved.members, [id]: { ...rest, permissions } as NonNullable<APIInteractionDataResolved['members']>[string] };
    return true;
  };
  const asRole = (): boolean => {
    const role = guild?.roles.find((r) => r.id === id);
    if (!role) return false;
    resolved.roles = { ...resolved.roles, [id]: role };
    return true;
  };
  if (type === ApplicationCommandOptionType.User) asUser();
  else if (type === ApplicationCommandOptionType.Role) asRole();
  else if (type === ApplicationCommandOptionType.Mentionable) {
    if (!asUser()) asRole();
  } else if (type === ApplicationCommandOptionType.Attachment) {
    // Discord uploads the file first; the option's value is its id, the file is in `resolved`.
    const attachment = source.attachment?.(id);
    if (!attachment) throw new Error(`FakeDiscord: no uploaded attachment ${id}; upload it with discord.uploadAttachment() first`);
    resolved.attachments = { ...resolved.attachments, [id]: attachment };
  } else if (type === ApplicationCommandOptionType.Channel) {
    const channel = guild?.findChannel(id);
    if (channel) {
      resolved.channels = {
        ...resolved.channels,
        [id]: { id, name: channel.name, type: channel.type, permissions: source.memberPermissions.toString() } as NonNullable<APIInteractionDataResolved['channels']>[string],
      };
    }
  }
}

/** MESSAGE_CREATE data for a message from a simulated user; `mentions` carry member data in guilds. */
export function buildMessageCreate(message: APIMessage, guild: FakeGuild | null, member: APIGuildMember | null): GatewayMessageCreateDispatchData {
  const mentions = message.mentions.map((user) => {
    const m = guild?.findMember(user.id);
    if (!m) return user;
    const { user: _user, ...rest } = m;
    return { ...user, member: rest };
  });
  const { user: _author, ...authorMember } = member ?? { user: undefined };
  return {
    ...message,
    type: message.type ?? MessageType.Default,
    mentions,
    ...(guild ? { guild_id: guild.id, member: authorMember as GatewayMessageCreateDispatchData['member'] } : {}),
  };
}
