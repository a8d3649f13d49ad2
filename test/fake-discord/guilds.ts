/**
 * The guilds the fake serves: roles, channels, members, and Discord's permission arithmetic.
 *
 * Permissions are computed the way Discord does (base from @everyone + roles, owner and
 * Administrator get everything, then channel overwrites) because discord.js recomputes
 * them on its side too: `interaction.member.permissions` comes from the cached roles, while
 * `interaction.memberPermissions` comes from the payload. Deriving the payload from the
 * same roles keeps both views consistent, so a bot may use either.
 */
import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  OverwriteType,
  PermissionFlagsBits,
  type APIGuildMember,
  type GuildMemberFlags,
  type RoleFlags,
  type APIOverwrite,
  type APIRole,
  type APITextChannel,
  type APINewsChannel,
  type APIGuildForumChannel,
  type APIThreadChannel,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type Locale,
} from 'discord-api-types/v10';
import { createSnowflake, isSnowflake } from './snowflake.js';
import type {
  FakeChannelOptions,
  FakeGuildOptions,
  FakeMemberOptions,
  FakeUserOptions,
  PermissionsInput,
} from './types.js';

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** Roughly what @everyone gets on a freshly created server. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak;

/** What a typical invite link grants a bot that answers in text channels. */
export const DEFAULT_BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands;

export type GuildTextChannel = APITextChannel | APINewsChannel | APIGuildForumChannel;
/** A thread (a forum post is one too); messages go to the thread's own id. */
export type GuildThread = APIThreadChannel;

export function toPermissions(input: PermissionsInput | undefined, fallback: bigint): bigint {
  return input === undefined ? fallback : BigInt(input);
}

export function buildUser(options: FakeUserOptions): APIUser {
  return {
    id: options.id ?? createSnowflake(),
    username: options.username,
    discriminator: '0',
    global_name: options.globalName ?? null,
    avatar: null,
    ...(options.bot ? { bot: true } : {}),
  };
}

export class FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly preferredLocale: string;
  readonly roles: APIRole[] = [];
  readonly channels: GuildTextChannel[] = [];
  /** Threads and forum posts, created by the bot (REST) or by users (FakeDiscord.createForumPost). */
  readonly threads: GuildThread[] = [];
  readonly members: APIGuildMember[] = [];

  constructor(options: FakeGuildOptions, botUser: APIUser, private readonly createdAt: string) {
    this.id = options.id ?? createSnowflake();
    this.name = options.name ?? 'Test Guild';
    this.preferredLocale = options.preferredLocale ?? 'en-US';

    // @everyone's id is the guild id: discord.js relies on it (guild.roles.everyone).
    this.roles.push(role(this.id, '@everyone', toPermissions(options.everyonePermissions, DEFAULT_EVERYONE_PERMISSIONS), 0));
    for (const [index, r] of (options.roles ?? []).entries()) {
      this.roles.push(role(r.id ?? createSnowflake(), r.name, toPermissions(r.permissions, 0n), r.position ?? index + 1, r.color));
    }
    const botRole = role(createSnowflake(), botUser.username, toPermissions(options.botPermissions, DEFAULT_BOT_PERMISSIONS), this.roles.length);
    this.roles.push({ ...botRole, managed: true, tags: { bot_id: botUser.id } });

    const memberOptions: FakeMemberOptions[] = options.members ?? [
      { user: { username: 'owner' } },
      { user: { username: 'tester' } },
    ];
    for (const m of memberOptions) this.addMember(m);
    this.members.push(this.#member(botUser, [botRole.id], null));

    const ownerRef = options.ownerId ?? 'owner';
    const owner =
      this.findMember(ownerRef) ??
      this.addMember({ user: isSnowflake(ownerRef) ? { id: ownerRef, username: 'owner' } : { username: ownerRef } });
    this.ownerId = owner.user.id;

    for (const [index, c] of (options.channels ?? [{ name: 'general' }]).entries()) {
      this.channels.push(this.#channel(c, index));
    }
  }

  addMember(options: FakeMemberOptions): APIGuildMember {
    const roles = (options.roles ?? []).map((ref) => this.role(ref).id).filter((id) => id !== this.id);
    const member = this.#member(buildUser(options.user), roles, options.nick ?? null, options.joinedAt);
    this.members.push(member);
    return member;
  }

  /** A role by id or name; throws for an unknown one so test typos fail loudly. */
  role(ref: string): APIRole {
    const found = this.roles.find((r) => r.id === ref) ?? this.roles.find((r) => r.name === ref);
    if (!found) throw new Error(`FakeDiscord: guild ${this.name} has no role "${ref}"`);
    return found;
  }

  /** A member by user id or username. */
  findMember(ref: string): APIGuildMember | undefined {
    return this.members.find((m) => m.user.id === ref) ?? this.members.find((m) => m.user.username === ref);
  }

  /** A channel (or thread) by id or name. */
  findChannel(ref: string): GuildTextChannel | GuildThread | undefined {
    return this.channels.find((c) => c.id === ref) ?? this.threads.find((t) => t.id === ref) ?? this.channels.find((c) => c.name === ref) ?? this.threads.find((t) => t.name === ref);
  }

  /** Adds a public thread under `parentId` (a text or forum channel). */
  addThread(options: { id?: string; parentId: string; name: string; ownerId: string }): GuildThread {
    const parent = this.channels.find((c) => c.id === options.parentId);
    if (!parent) throw new Error(`FakeDiscord: guild ${this.name} has no channel ${options.parentId} to start a thread in`);
    const thread = {
      id: options.id ?? createSnowflake(),
      type: ChannelType.PublicThread,
      guild_id: this.id,
      parent_id: parent.id,
      owner_id: options.ownerId,
      name: options.name,
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      flags: 0,
      applied_tags: [],
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
    } as unknown as GuildThread;
    this.threads.push(thread);
    return thread;
  }

  /** Guild-wide permissions of a member holding `roleIds` (the @everyone role is implicit). */
  basePermissions(userId: string, roleIds: readonly string[]): bigint {
    if (userId === this.ownerId) return ALL_PERMISSIONS;
    let permissions = BigInt(this.role(this.id).permissions);
    for (const id of roleIds) {
      const r = this.roles.find((x) => x.id === id);
      if (r) permissions |= BigInt(r.permissions);
    }
    return permissions & PermissionFlagsBits.Administrator ? ALL_PERMISSIONS : permissions;
  }

  /** Permissions in a channel: base, then @everyone, role and member overwrites, in Discord's order. */
  channelPermissions(userId: string, roleIds: readonly string[], channelId: string): bigint {
    // A thread has its parent's permissions, except that posting in it takes SendMessagesInThreads.
    const thread = this.threads.find((t) => t.id === channelId);
    if (thread) {
      const inParent = this.channelPermissions(userId, roleIds, thread.parent_id ?? '');
      const send = inParent & PermissionFlagsBits.SendMessagesInThreads ? PermissionFlagsBits.SendMessages : 0n;
      return (inParent & ~PermissionFlagsBits.SendMessages) | send;
    }
    let permissions = this.basePermissions(userId, roleIds);
    if (permissions === ALL_PERMISSIONS) return permissions;
    const overwrites = this.channels.find((c) => c.id === channelId)?.permission_overwrites ?? [];
    const apply = (o: APIOverwrite | undefined): void => {
      if (o) permissions = (permissions & ~BigInt(o.deny)) | BigInt(o.allow);
    };
    apply(overwrites.find((o) => o.id === this.id));
    let allow = 0n;
    let deny = 0n;
    for (const o of overwrites) {
      if (o.type === OverwriteType.Role && o.id !== this.id && roleIds.includes(o.id)) {
        allow |= BigInt(o.allow);
        deny |= BigInt(o.deny);
      }
    }
    permissions = (permissions & ~deny) | allow;
    apply(overwrites.find((o) => o.type === OverwriteType.Member && o.id === userId));
    // Discord's implicit rules: no ViewChannel means nothing; no SendMessages drops what depends on it.
    if (!(permissions & PermissionFlagsBits.ViewChannel)) return 0n;
    if (!(permissions & PermissionFlagsBits.SendMessages)) {
      permissions &= ~(PermissionFlagsBits.SendTTSMessages | PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.AttachFiles | PermissionFlagsBits.EmbedLinks);
    }
    return permissions;
  }

  /** GUILD_CREATE data: discord.js needs roles, channels and members here to cache them. */
  toGuildCreate(): GatewayGuildCreateDispatchData {
    return {
      id: this.id,
      name: this.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: this.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: GuildVerificationLevel.None,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.Disabled,
      roles: this.roles,
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
      rules_channel_id: null,
      vanity_url_code: null,
      premium_tier: GuildPremiumTier.None,
      premium_subscription_count: 0,
      preferred_locale: this.preferredLocale as Locale,
      public_updates_channel_id: null,
      nsfw_level: GuildNSFWLevel.Default,
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
      joined_at: this.createdAt,
      // discord.js keeps a guild from READY (unavailable: true) unavailable unless this says false.
      unavailable: false,
      large: false,
      member_count: this.members.length,
      voice_states: [],
      members: this.members,
      channels: this.channels,
      threads: this.threads,
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  #member(user: APIUser, roles: string[], nick: string | null, joinedAt = this.createdAt): APIGuildMember {
    return { user, roles, nick, joined_at: joinedAt, deaf: false, mute: false, flags: 0 as GuildMemberFlags, avatar: null, premium_since: null };
  }

  #channel(options: FakeChannelOptions, position: number): GuildTextChannel {
    const permission_overwrites = (options.permissionOverwrites ?? []).map((o): APIOverwrite => {
      const member = this.roles.some((r) => r.id === o.target || r.name === o.target) ? undefined : this.findMember(o.target);
      return {
        id: member ? member.user.id : o.target === '@everyone' ? this.id : this.role(o.target).id,
        type: member ? OverwriteType.Member : OverwriteType.Role,
        allow: toPermissions(o.allow, 0n).toString(),
        deny: toPermissions(o.deny, 0n).toString(),
      };
    });
    const base = {
      id: options.id ?? createSnowflake(),
      guild_id: this.id,
      name: options.name,
      position,
      permission_overwrites,
      parent_id: null,
      nsfw: false,
      topic: options.topic ?? null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    };
    if (options.type === ChannelType.GuildForum) {
      return { ...base, type: ChannelType.GuildForum, available_tags: [], default_reaction_emoji: null, default_thread_rate_limit_per_user: 0, default_sort_order: null, default_forum_layout: 0, default_auto_archive_duration: 1440 } as unknown as APIGuildForumChannel;
    }
    return options.type === ChannelType.GuildAnnouncement
      ? { ...base, type: ChannelType.GuildAnnouncement }
      : { ...base, type: ChannelType.GuildText };
  }
}

function role(id: string, name: string, permissions: bigint, position: number, color = 0): APIRole {
  return {
    id,
    name,
    color,
    colors: { primary_color: color, secondary_color: null, tertiary_color: null },
    hoist: false,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}
