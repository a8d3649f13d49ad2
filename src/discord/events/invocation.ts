import type { AnyThreadChannel, GuildMember, Interaction, Message } from 'discord.js';
import type { Invocation } from '../guards/index.js';

/** The guard-facing view of an interaction. */
export function invocationOf(
  interaction: Interaction,
  kind: Invocation['kind'],
  name: string,
  extra: Pick<Invocation, 'question' | 'buttonOwnerId'> = {},
): Invocation {
  const member = interaction.member;
  const roles = member && 'roles' in member ? (Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()]) : [];
  const channel = interaction.channel;
  return {
    kind,
    name,
    guildId: interaction.guildId,
    channelId: interaction.channelId ?? '',
    parentChannelId: channel?.isThread() ? channel.parentId : null,
    userId: interaction.user.id,
    memberPermissions: interaction.memberPermissions,
    roleIds: roles.filter((id) => id !== interaction.guildId),
    ...(extra.question !== undefined ? { question: extra.question } : {}),
    ...(extra.buttonOwnerId !== undefined ? { buttonOwnerId: extra.buttonOwnerId } : {}),
  };
}

/** The guard-facing view of a message. */
export function invocationOfMessage(message: Message, name: string, question: string): Invocation {
  return {
    kind: 'message',
    name,
    guildId: message.guildId,
    channelId: message.channelId,
    parentChannelId: message.channel.isThread() ? message.channel.parentId : null,
    userId: message.author.id,
    memberPermissions: message.member && message.inGuild() ? message.member.permissionsIn(message.channelId) : null,
    roleIds: message.member ? [...message.member.roles.cache.keys()].filter((id) => id !== message.guildId) : [],
    question,
  };
}

/** The guard-facing view of a new forum post; `member` is its author, when Discord gave them. */
export function invocationOfForumPost(thread: AnyThreadChannel, member: GuildMember | null, question: string): Invocation {
  return {
    kind: 'message',
    name: 'forum-post',
    guildId: thread.guildId,
    channelId: thread.id,
    parentChannelId: thread.parentId,
    userId: thread.ownerId ?? '',
    memberPermissions: member ? member.permissionsIn(thread) : null,
    roleIds: member ? [...member.roles.cache.keys()].filter((id) => id !== thread.guildId) : [],
    question,
  };
}
