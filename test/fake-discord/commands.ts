/**
 * Registered application commands, global and per guild.
 *
 * Bulk overwrite (PUT) keeps the id of a command whose name and type are unchanged, as
 * Discord does, so a redeploy does not invalidate ids a test already holds. Definitions
 * are validated (names, descriptions, option order, choice limits) because Discord
 * rejects a bad definition and the bot then has no commands at all.
 */
import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type APIApplicationCommand,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { apiErrors } from './errors.js';
import { createSnowflake } from './snowflake.js';
import { validateCommands } from './validation.js';

/** `null` is the global scope. */
type Scope = string | null;

export class CommandRegistry {
  readonly #byScope = new Map<Scope, APIApplicationCommand[]>();

  constructor(private readonly applicationId: string) {}

  /** Every registered command; guild commands carry `guild_id`. */
  get all(): APIApplicationCommand[] {
    return [...this.#byScope.values()].flat();
  }

  list(guildId: Scope): APIApplicationCommand[] {
    return this.#byScope.get(guildId) ?? [];
  }

  /** The command a user would invoke by name in a guild: guild commands shadow global ones. */
  find(name: string, guildId: Scope, type: ApplicationCommandType = ApplicationCommandType.ChatInput): APIApplicationCommand | undefined {
    const match = (c: APIApplicationCommand): boolean => c.name === name && c.type === type;
    return (guildId ? this.list(guildId).find(match) : undefined) ?? this.list(null).find(match);
  }

  get(guildId: Scope, id: string): APIApplicationCommand {
    const command = this.list(guildId).find((c) => c.id === id);
    if (!command) throw apiErrors.unknownCommand();
    return command;
  }

  /** PUT .../commands: replaces the whole scope. */
  overwrite(guildId: Scope, bodies: RESTPostAPIApplicationCommandsJSONBody[]): APIApplicationCommand[] {
    validateCommands(bodies, { bulk: true });
    const previous = this.list(guildId);
    const commands = bodies.map((body) => {
      const type = body.type ?? ApplicationCommandType.ChatInput;
      const old = previous.find((c) => c.name === body.name && c.type === type);
      return this.#build(guildId, body, old?.id);
    });
    this.#byScope.set(guildId, commands);
    return commands;
  }

  /** POST .../commands: creates, or replaces the command with the same name and type. */
  upsert(guildId: Scope, body: RESTPostAPIApplicationCommandsJSONBody): APIApplicationCommand {
    validateCommands([body], { bulk: false });
    const type = body.type ?? ApplicationCommandType.ChatInput;
    const list = this.list(guildId).filter((c) => !(c.name === body.name && c.type === type));
    const old = this.list(guildId).find((c) => c.name === body.name && c.type === type);
    const command = this.#build(guildId, body, old?.id);
    this.#byScope.set(guildId, [...list, command]);
    return command;
  }

  edit(guildId: Scope, id: string, patch: Partial<RESTPostAPIApplicationCommandsJSONBody>): APIApplicationCommand {
    const old = this.get(guildId, id);
    const merged = { ...old, ...patch } as RESTPostAPIApplicationCommandsJSONBody;
    validateCommands([merged], { bulk: false });
    const command = this.#build(guildId, merged, id);
    this.#byScope.set(guildId, this.list(guildId).map((c) => (c.id === id ? command : c)));
    return command;
  }

  remove(guildId: Scope, id: string): void {
    this.get(guildId, id);
    this.#byScope.set(guildId, this.list(guildId).filter((c) => c.id !== id));
  }

  #build(guildId: Scope, body: RESTPostAPIApplicationCommandsJSONBody, id = createSnowflake()): APIApplicationCommand {
    const command: APIApplicationCommand = {
      ...(body as Partial<APIApplicationCommand>),
      id,
      application_id: this.applicationId,
      version: createSnowflake(),
      type: body.type ?? ApplicationCommandType.ChatInput,
      name: body.name,
      description: 'description' in body && typeof body.description === 'string' ? body.description : '',
      default_member_permissions: body.default_member_permissions ?? null,
      nsfw: body.nsfw ?? false,
    };
    if (guildId) {
      command.guild_id = guildId;
    } else {
      command.integration_types = body.integration_types ?? [ApplicationIntegrationType.GuildInstall];
      command.contexts = body.contexts ?? [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel];
    }
    return command;
  }
}
