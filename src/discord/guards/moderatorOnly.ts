import { PermissionFlagsBits } from 'discord.js';
import { UserError } from '../errors.js';
import { invocationSettings } from '../settings.js';
import type { BotDeps } from '../types.js';
import type { Guard, Invocation } from './index.js';

/** One of BOT_OWNER_IDS: the bot's operators. */
export function isBotOwner(invocation: Pick<Invocation, 'userId'>, deps: Pick<BotDeps, 'config'>): boolean {
  return deps.config.BOT_OWNER_IDS.includes(invocation.userId);
}

/**
 * A moderator of the server: a bot owner, a member with Manage Server (which includes the
 * server owner and administrators), or a member with the server's moderator role.
 */
export function isModerator(invocation: Invocation, deps: BotDeps): boolean {
  if (isBotOwner(invocation, deps)) return true;
  if (!invocation.guildId) return false;
  if (invocation.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const role = invocationSettings(invocation, deps).moderatorRoleId;
  return role !== null && invocation.roleIds.includes(role);
}

/**
 * Moderator actions (/config, /report, /reindex). Checked at run time on every one, whatever
 * `default_member_permissions` says: a server can hand a command to anyone in its
 * Integrations settings, and a moderator role set with /config is not a Discord permission.
 */
export const moderatorOnly: Guard = (invocation, ctx) => {
  if (isModerator(invocation, ctx)) return null;
  const role = invocation.guildId ? invocationSettings(invocation, ctx).moderatorRoleId : null;
  return new UserError(
    'moderators-only',
    `Only moderators can do that: members with the Manage Server permission${role ? ` or the <@&${role}> role` : ''}.`,
  );
};
