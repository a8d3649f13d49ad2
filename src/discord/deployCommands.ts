/**
 * `npm run deploy-commands`: registers the slash commands listed in commands/index.ts —
 * in DISCORD_GUILD_ID when set (instant; for development), globally otherwise (Discord
 * may take a while to show changes everywhere). Rerun it only when the definitions change:
 * Discord limits how many commands an application may create per day.
 */
import { REST, Routes, type APIApplication, type APIApplicationCommand } from 'discord.js';
import { discordSchema, parseConfig } from '../config.js';
import { commands, toJSON } from './commands/index.js';
import { describeInvite, inviteUrl } from './invite.js';
import { parseScriptArgs } from '../cli/scriptArgs.js';
import { EXIT_FAILED, explainLoginError, reportFailure, runEntryPoint, settingsWithToken } from './startupErrors.js';

export interface DeployOptions {
  rest: REST;
  /** Looked up from the token when omitted. */
  applicationId?: string;
  /** Register in this server only. */
  guildId?: string;
}

export interface DeployResult {
  applicationId: string;
  guildId: string | null;
  registered: APIApplicationCommand[];
}

export async function deployCommands({ rest, applicationId, guildId }: DeployOptions): Promise<DeployResult> {
  const appId = applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  const registered = (await rest.put(route, { body: commands.map((c) => toJSON(c.data)) })) as APIApplicationCommand[];
  return { applicationId: appId, guildId: guildId ?? null, registered };
}

function describeDeploy(result: DeployResult): string {
  const names = result.registered.map((c) => `/${c.name}`).join(', ');
  const registered = result.guildId
    ? `Registered ${result.registered.length} commands (${names}) in server ${result.guildId}: they are available there now.`
    : `Registered ${result.registered.length} commands (${names}) globally for application ${result.applicationId}: Discord can take up to an hour to show changes in every server.`;
  return `${registered}\n\n${invitation(result.applicationId, result.guildId ?? undefined)}`;
}

function invitation(applicationId: string, guildId: string | undefined): string {
  return `Invite the bot (${describeInvite()}):\n${inviteUrl(applicationId, guildId)}`;
}

function explainDeployError(error: unknown, guildId: string | undefined, applicationId: string | undefined): string {
  const status = (error as { status?: number }).status;
  const code = (error as { code?: number | string }).code;
  if (status === 403 || code === 50001) {
    const fix = applicationId ? `\n\n${invitation(applicationId, guildId)}` : '';
    return `Discord refused to register commands${guildId ? ` in server ${guildId}` : ''} (missing access): invite the bot to that server with the scopes "bot applications.commands", or check DISCORD_GUILD_ID.${fix}`;
  }
  if (code === 10002) return 'Discord does not know DISCORD_APPLICATION_ID: check it, or unset it to use the token\'s application.';
  return `could not register the commands: ${(error as Error).message}`;
}

export const USAGE = `Usage: npm run deploy-commands

Registers the slash commands: in DISCORD_GUILD_ID when set (instant, for development),
globally otherwise (up to an hour to appear). Then prints the link that invites the bot
with the scopes and permissions it needs. Settings come from the environment or .env.`;

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const args = parseScriptArgs(argv, USAGE, {});
  if (typeof args === 'number') return args;
  const settings = settingsWithToken(() => parseConfig(discordSchema), 'npm run deploy-commands');
  if (typeof settings === 'number') return settings;
  const { config, token } = settings;
  const rest = new REST({ ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}), retries: 1, timeout: 15_000 }).setToken(token);
  try {
    const result = await deployCommands({ rest, applicationId: config.DISCORD_APPLICATION_ID, guildId: config.DISCORD_GUILD_ID });
    process.stdout.write(`${describeDeploy(result)}\n`);
    return 0;
  } catch (error) {
    const explained = explainLoginError(error, { QA_CHANNEL_IDS: [] });
    return reportFailure(explained?.message ?? explainDeployError(error, config.DISCORD_GUILD_ID, config.DISCORD_APPLICATION_ID), explained?.exitCode ?? EXIT_FAILED);
  }
}

runEntryPoint(import.meta.url, main);
