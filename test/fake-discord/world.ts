/**
 * The fake's world: guilds, DM channels, and the resolution of "who acts where" for a
 * simulated user action (defaults, role overrides, permissions in the channel).
 *
 * The default actor is the guild's `tester`, a member with only @everyone permissions,
 * so a test that forgets to pick a user never passes a permission check by accident.
 */
import { ChannelType, type APIChannel, type APIGuildMember, type APIUser, type Locale } from 'discord-api-types/v10';
import { ALL_PERMISSIONS, buildUser, toPermissions, type FakeGuild } from './guilds.js';
import type { InteractionSource } from './payloads.js';
import { createSnowflake } from './snowflake.js';
import type { ActorOptions, UserRef } from './types.js';

export class World {
  readonly #dmChannels = new Map<string, APIUser>();

  constructor(
    readonly guilds: readonly FakeGuild[],
    readonly botUser: APIUser,
  ) {}

  get firstGuild(): FakeGuild {
    const guild = this.guilds[0];
    if (!guild) throw new Error('FakeDiscord: started without guilds');
    return guild;
  }

  guild(guildId: string | null | undefined): FakeGuild | undefined {
    return guildId ? this.guilds.find((g) => g.id === guildId) : undefined;
  }

  /** A user the fake knows: the bot, a member of `guildId`, or someone with a DM channel. */
  knownUser(id: string, guildId: string | null): APIUser | undefined {
    if (id === this.botUser.id) return this.botUser;
    return this.guild(guildId)?.findMember(id)?.user ?? this.#dmUser(id);
  }

  /** The guild (null for a DM) and channel object for a channel id. */
  channel(channelId: string): { guild: FakeGuild | null; channel: APIChannel } | undefined {
    for (const guild of this.guilds) {
      const channel = guild.channels.find((c) => c.id === channelId) ?? guild.threads.find((t) => t.id === channelId);
      if (channel) return { guild, channel };
    }
    const user = this.#dmChannels.get(channelId);
    return user ? { guild: null, channel: dmChannel(channelId, user) } : undefined;
  }

  /** The bot's permissions in a channel (everything in DMs). */
  botPermissions(channelId: string): bigint {
    const found = this.channel(channelId);
    if (!found?.guild) return ALL_PERMISSIONS;
    const me = found.guild.findMember(this.botUser.id);
    return found.guild.channelPermissions(this.botUser.id, me?.roles ?? [], channelId);
  }

  resolveUser(ref: UserRef, guild: FakeGuild | null): APIUser {
    if (typeof ref !== 'string') return guild?.findMember(ref.id ?? '')?.user ?? buildUser(ref);
    if (ref === this.botUser.id || ref === this.botUser.username) return this.botUser;
    const user = guild?.findMember(ref)?.user ?? this.guilds.map((g) => g.findMember(ref)?.user).find(Boolean) ?? this.#dmUser(ref);
    if (!user) throw new Error(`FakeDiscord: unknown user "${ref}"`);
    return user;
  }

  /** Resolves who acts where: guild, channel, member (with role overrides) and permissions. */
  source(options: ActorOptions): InteractionSource {
    const locale = (options.locale ?? 'en-US') as Locale;
    if (options.guildId === null) {
      const user = options.user === undefined ? this.#defaultMember(this.firstGuild).user : this.resolveUser(options.user, null);
      const channelId = this.#dmChannelFor(user);
      return { guild: null, channelId, user, member: null, memberPermissions: 0n, appPermissions: toPermissions(options.appPermissions, ALL_PERMISSIONS), locale };
    }
    const guild = options.guildId === undefined ? this.firstGuild : this.guild(options.guildId);
    if (!guild) throw new Error(`FakeDiscord: unknown guild ${options.guildId}`);
    const channel = options.channelId ? guild.findChannel(options.channelId) : guild.channels[0];
    if (!channel) throw new Error(`FakeDiscord: guild ${guild.name} has no channel "${options.channelId ?? '(any)'}"`);
    let member: APIGuildMember | undefined;
    if (options.user === undefined) member = this.#defaultMember(guild);
    else if (typeof options.user === 'string') member = guild.findMember(options.user);
    else member = guild.findMember(options.user.id ?? '') ?? guild.addMember({ user: options.user });
    if (!member) throw new Error(`FakeDiscord: "${String(options.user)}" is not a member of ${guild.name}`);
    if (options.roles) member = { ...member, roles: options.roles.map((r) => guild.role(r).id).filter((id) => id !== guild.id) };
    const memberPermissions = toPermissions(options.permissions, guild.channelPermissions(member.user.id, member.roles, channel.id));
    return {
      guild,
      channelId: channel.id,
      user: member.user,
      member,
      memberPermissions,
      appPermissions: toPermissions(options.appPermissions, this.botPermissions(channel.id)),
      locale,
    };
  }

  #defaultMember(guild: FakeGuild): APIGuildMember {
    const humans = guild.members.filter((m) => !m.user.bot);
    const member = humans.find((m) => m.user.username === 'tester') ?? humans.find((m) => m.user.id !== guild.ownerId) ?? humans[0];
    if (!member) throw new Error(`FakeDiscord: guild ${guild.name} has no human member`);
    return member;
  }

  #dmUser(userId: string): APIUser | undefined {
    return [...this.#dmChannels.values()].find((u) => u.id === userId);
  }

  #dmChannelFor(user: APIUser): string {
    for (const [id, u] of this.#dmChannels) if (u.id === user.id) return id;
    const id = createSnowflake();
    this.#dmChannels.set(id, user);
    return id;
  }
}

/** A DM channel object between the bot and a user. */
function dmChannel(id: string, user: APIUser): APIChannel {
  return { id, type: ChannelType.DM, recipients: [user], last_message_id: null, flags: 0 } as unknown as APIChannel;
}
