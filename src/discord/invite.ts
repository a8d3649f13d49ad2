/**
 * The link that adds the bot to a server: the two scopes it needs and the channel
 * permissions it uses, nothing more (no Administrator, no Manage Messages). Printed by
 * `npm run deploy-commands` and listed in the README's Discord setup.
 */
import { OAuth2Scopes, PermissionFlagsBits } from 'discord.js';

/** `bot` joins the server; `applications.commands` lets its slash commands show there. */
export const INVITE_SCOPES = [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands] as const;

/** Each permission the bot asks for, with the name the developer portal shows and why it is needed. */
export const INVITE_PERMISSIONS = [
  { flag: PermissionFlagsBits.ViewChannel, name: 'View Channels', why: 'see the channels it answers in' },
  { flag: PermissionFlagsBits.SendMessages, name: 'Send Messages', why: 'answer mentions, post quizzes' },
  { flag: PermissionFlagsBits.SendMessagesInThreads, name: 'Send Messages in Threads', why: 'answer mentions in threads' },
  { flag: PermissionFlagsBits.CreatePublicThreads, name: 'Create Public Threads', why: 'answer each question in a thread of its own (/config threads)' },
  { flag: PermissionFlagsBits.EmbedLinks, name: 'Embed Links', why: 'answers, quizzes and summaries are embeds' },
  { flag: PermissionFlagsBits.AttachFiles, name: 'Attach Files', why: 'post a document a moderator added, so answers can link to it' },
  { flag: PermissionFlagsBits.ReadMessageHistory, name: 'Read Message History', why: 'reply to the message that asked' },
] as const;

/** The permissions integer of the invite link. */
export const INVITE_PERMISSION_BITS = INVITE_PERMISSIONS.reduce((bits, p) => bits | p.flag, 0n);

/** The invite link; with a server id, Discord preselects that server. */
export function inviteUrl(applicationId: string, guildId?: string): string {
  const params = new URLSearchParams({ client_id: applicationId, scope: INVITE_SCOPES.join(' '), permissions: INVITE_PERMISSION_BITS.toString() });
  if (guildId) params.set('guild_id', guildId);
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}

/** What the link asks for, in the words of the developer portal. */
export function describeInvite(): string {
  return `scopes ${INVITE_SCOPES.join(', ')}; permissions ${INVITE_PERMISSIONS.map((p) => p.name).join(', ')} (${INVITE_PERMISSION_BITS})`;
}
