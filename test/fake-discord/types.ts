/**
 * Public option and record types of the fake Discord.
 *
 * Options describe the world (application, bot user, guilds, members); records are what
 * the fake observed, kept as close to Discord's wire format as possible so assertions in
 * tests read like Discord's API documentation.
 */
import type {
  APIAllowedMentions,
  APIMessage,
  ChannelType,
  GatewayMessageCreateDispatchData,
  Locale,
} from 'discord-api-types/v10';
import type { CommandOptionsInput } from './payloads.js';

/** A permission bit set: a bigint (`PermissionFlagsBits.ManageGuild`), or its decimal string. */
export type PermissionsInput = bigint | string | number;

export interface FakeUserOptions {
  /** Snowflake; generated when omitted. */
  id?: string;
  username: string;
  globalName?: string | null;
  bot?: boolean;
}

export interface FakeRoleOptions {
  /** Snowflake; generated when omitted. */
  id?: string;
  name: string;
  /** Default 0. */
  permissions?: PermissionsInput;
  /** Default: after the roles listed before it. */
  position?: number;
  color?: number;
}

export interface FakePermissionOverwriteOptions {
  /** A role id or name, `'@everyone'`, or a member's user id or username. */
  target: string;
  allow?: PermissionsInput;
  deny?: PermissionsInput;
}

export interface FakeChannelOptions {
  /** Snowflake; generated when omitted. */
  id?: string;
  name: string;
  /** Text-like guild channels and forums are modelled. Default `ChannelType.GuildText`. */
  type?: ChannelType.GuildText | ChannelType.GuildAnnouncement | ChannelType.GuildForum;
  topic?: string | null;
  permissionOverwrites?: FakePermissionOverwriteOptions[];
}

export interface FakeMemberOptions {
  user: FakeUserOptions;
  /** Role ids or names (the @everyone role is implicit). */
  roles?: string[];
  nick?: string | null;
  /** ISO timestamp; default: the fake's start time. */
  joinedAt?: string;
}

export interface FakeGuildOptions {
  /** Snowflake; generated when omitted. */
  id?: string;
  /** Default `'Test Guild'`. */
  name?: string;
  /**
   * The owner's user id or username. The owner has every permission, so the default is a
   * separate `owner` member, never the default interaction user.
   */
  ownerId?: string;
  /** Permissions of the @everyone role (its id is the guild id). Default: a typical new server's. */
  everyonePermissions?: PermissionsInput;
  roles?: FakeRoleOptions[];
  /** Default: one text channel `#general`. */
  channels?: FakeChannelOptions[];
  /**
   * Default: `owner` and `tester`. The bot is always added as a member, with a managed
   * role named after it that carries `botPermissions`.
   */
  members?: FakeMemberOptions[];
  /** Permissions of the bot's managed role. Default: view, send, embed, attach, history, react, commands. */
  botPermissions?: PermissionsInput;
  /** Default `'en-US'`. */
  preferredLocale?: string;
}

export interface FakeDiscordOptions {
  /** The bot token the client must present (REST `Authorization: Bot <token>`, IDENTIFY). Default `'test-token'`. */
  token?: string;
  /** Snowflake; generated when omitted. */
  applicationId?: string;
  /** The bot user; its id defaults to the application id, as for real bots. */
  botUser?: Partial<FakeUserOptions>;
  /** Default: one guild with the defaults of {@link FakeGuildOptions}. */
  guilds?: FakeGuildOptions[];
  /**
   * Privileged intents switched on in the developer portal (bits of `GatewayIntentBits`:
   * GuildMembers, GuildPresences, MessageContent). IDENTIFY asking for one that is not
   * enabled is closed with 4014, like Discord. Default: all three enabled.
   */
  privilegedIntents?: number;
  /** `shards` recommended by GET /gateway/bot. Default 1. */
  recommendedShards?: number;
  /**
   * `session_start_limit.max_concurrency` of GET /gateway/bot. Discord gives small bots 1,
   * and @discordjs/ws then waits about 5 s between shard IDENTIFYs; a multi-shard test can
   * set it to its shard count to identify all shards at once. Default 1.
   */
  maxConcurrency?: number;
  /** HELLO heartbeat_interval. Default 41250 (Discord's); the client's first beat is jittered inside it. */
  heartbeatIntervalMs?: number;
  /**
   * Discord invalidates an interaction token that is not acknowledged within 3 s: later
   * callbacks get 404 `Unknown interaction` (10062). Default 3000; tests of slow paths can raise it.
   */
  interactionAckTimeoutMs?: number;
  /**
   * Real users can only invoke registered commands, so `sendSlashCommand` throws for a name
   * that was never registered (globally or in the guild). Default true.
   */
  requireRegisteredCommands?: boolean;
  /** Debug log of what the fake does (gateway ops, REST routes). Default: silent. */
  log?: (line: string) => void;
}

/** A file from a multipart body (`files[n]`). */
export interface UploadedFile {
  /** Form field, e.g. `files[0]`. */
  field: string;
  /** File name as sent. */
  name: string;
  size: number;
  contentType: string;
  data: Buffer;
  text(): string;
}

/** One HTTP request to the REST API. */
export interface RecordedRequest {
  method: string;
  /** Decoded path after `/api/v10`, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  /** The route pattern that handled it, e.g. `/channels/:channelId/messages`; null if none matched. */
  route: string | null;
  query: Record<string, string>;
  /** Parsed JSON body; for multipart bodies, the parsed `payload_json`. Undefined without a body. */
  body: unknown;
  /** Files of a multipart body. */
  files: UploadedFile[];
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Status the fake answered with. */
  status: number;
  /** JSON the fake answered with (undefined for 204). */
  response: unknown;
  /** Milliseconds since the fake started. */
  at: number;
}

/** A message the fake holds: sent by the bot (channel, interaction reply, follow-up) or by a simulated user. */
export interface StoredMessage {
  /** The message object as Discord would return it (updated by edits). */
  message: APIMessage;
  source: 'channel' | 'interaction-response' | 'follow-up' | 'user';
  /**
   * `allowed_mentions` of the last write that set it. Not part of a message object, but
   * what a test checks to know whether a quote could ping someone.
   */
  allowedMentions: APIAllowedMentions | undefined;
  /** Files uploaded by the writes of this message. */
  files: UploadedFile[];
  /** The guild of its channel (REST message objects carry no guild_id), null in DMs. */
  guildId: string | null;
  /** The interaction this message answers, if any. */
  interactionId: string | null;
  deleted: boolean;
  /** Milliseconds since the fake started, of the write that created it. */
  at: number;
}

/**
 * The visible state of a message: the message object plus the write options a test wants
 * to assert (`allowed_mentions`, uploaded files).
 */
export type VisibleMessage = APIMessage & {
  allowed_mentions: APIAllowedMentions | undefined;
  files: UploadedFile[];
};

/** A user, given by id, username, or as a new user (not necessarily a guild member). */
export type UserRef = string | FakeUserOptions;

/** Who acts, where, and with which permissions; shared by every simulated user action. */
export interface ActorOptions {
  /** A member's user id or username, or a new user. Default: the guild's `tester` (no special permissions). */
  user?: UserRef;
  /** Guild id; `null` for a DM with the bot. Default: the first guild. */
  guildId?: string | null;
  /** Channel id or name. Default: the guild's first channel. */
  channelId?: string;
  /** Replace the member's roles (ids or names) for this action. */
  roles?: string[];
  /**
   * Force `member.permissions` in the payload. Prefer roles: discord.js computes
   * `interaction.member.permissions` from cached roles and ignores this value, only
   * `interaction.memberPermissions` reflects it.
   */
  permissions?: PermissionsInput;
  /** Force `app_permissions`. Default: the bot's permissions in the channel. */
  appPermissions?: PermissionsInput;
  /** Default `'en-US'`. */
  locale?: Locale | `${Locale}`;
}

export interface SlashCommandOptions extends ActorOptions {
  name: string;
  options?: CommandOptionsInput;
  subcommand?: string;
  subcommandGroup?: string;
}

export interface AutocompleteOptions extends SlashCommandOptions {
  /** Name of the option being typed; its `value` is the partial input. Default: the option marked `focused`, else the last one. */
  focused?: string;
  timeoutMs?: number;
}

export interface ClickButtonOptions extends Omit<ActorOptions, 'guildId' | 'channelId'> {
  customId: string;
  /** The message carrying the button (any object with its `id`). Default: the latest bot message with that custom_id. */
  message?: { id: string };
}

export interface SendMessageOptions extends ActorOptions {
  content: string;
  /** Users mentioned; default: parsed from `<@id>` in `content`, as Discord does. */
  mentions?: UserRef[];
  /** Reply to this message (e.g. one of the bot's); pings its author unless `mentionRepliedUser: false`. */
  replyTo?: { id: string } | string;
  mentionRepliedUser?: boolean;
  /** How long to wait for the bot to post in the channel. Default 1000 ms. */
  timeoutMs?: number;
}

/** What happened to a simulated user message. */
export interface MessageExchange {
  /** The message as the user wrote it. */
  message: APIMessage;
  /**
   * The MESSAGE_CREATE data the bot received, after Discord's MessageContent rule; null
   * when it was not delivered at all (the client lacks GuildMessages/DirectMessages).
   */
  delivered: GatewayMessageCreateDispatchData | null;
  /** The bot's first message in that channel after it, or null if none within the timeout. */
  reply: VisibleMessage | null;
}
