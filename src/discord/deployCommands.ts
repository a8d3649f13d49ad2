/**
 * `npm run deploy-commands`: registers the slash commands listed in commands/index.ts —
 * in DISCORD_GUILD_ID when set (instant; for development), globally otherwise (Discord
 * may take a while to show changes everywhere). Rerun it only when the definitions change:
 * Discord limits how many commands an application may create per day.
 */
import { REST, Routes, type APIApplication, type APIApplicationCommand } from 'discord.js';
import { ConfigError, discordSchema, missingTokenHelp, parseConfig } from '../config.js';
import { commands, toJSON } from './commands/index.js';
import { EXIT_CONFIG, EXIT_FAILED, explainLoginError } from './startupErrors.js';

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
  return result.guildId
    ? `Registered ${result.registered.length} commands (${names}) in server ${result.guildId}: they are available there now.`
    : `Registered ${result.registered.length} commands (${names}) globally for application ${result.applicationId}: Discord can take up to an hour to show changes in every server.`;
}

function explainDeployError(error: unknown, guildId: string | undefined): string {
  const status = (error as { status?: number }).status;
  const code = (error as { code?: number | string }).code;
  if (status === 403 || code === 50001) {
    return `Discord refused to register commands${guildId ? ` in server ${guildId}` : ''} (missing access): invite the bot to that server with the scopes "bot applications.commands", or check DISCORD_GUILD_ID.`;
  }
  if (code === 10002) return 'Discord does not know DISCORD_APPLICATION_ID: check it, or unset it to use the token\'s application.';
  return `could not register the commands: ${(error as Error).message}`;
}

export async function main(): Promise<number> {
  let config;
  try {
    config = parseConfig(discordSchema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return EXIT_CONFIG;
  }
  if (!config.DISCORD_TOKEN) {
    process.stderr.write(`error: ${missingTokenHelp('npm run deploy-commands')}\n`);
    return EXIT_CONFIG;
  }
  const rest = new REST({ ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}), retries: 1, timeout: 15_000 }).setToken(config.DISCORD_TOKEN);
  try {
    const result = await deployCommands({ rest, applicationId: config.DISCORD_APPLICATION_ID, guildId: config.DISCORD_GUILD_ID });
    process.stdout.write(`${describeDeploy(result)}\n`);
    return 0;
  } catch (error) {
    const explained = explainLoginError(error, { QA_CHANNEL_IDS: [] });
    process.stderr.write(`error: ${explained?.message ?? explainDeployError(error, config.DISCORD_GUILD_ID)}\n`);
    return explained?.exitCode ?? EXIT_FAILED;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then((code) => {
    process.exitCode = code;
  });
}
