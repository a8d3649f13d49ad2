/**
 * Builds the discord.js Client and wires it to the handlers. Everything it needs is
 * injected (`engine`, `config`, `logger`, `storage`, `scheduler`), so tests pass a real
 * engine, a slowed one or a failing one, move quiz time by hand, and point the client at a
 * local fake Discord.
 */
import { Client, Events, GatewayIntentBits, type ClientOptions, type Interaction, type Message } from 'discord.js';
import { NO_MENTIONS, NO_MENTIONS_REPLY } from './constants.js';
import { InFlightWork, RESTARTING_MESSAGE, SHUTDOWN_GRACE_MS } from './inFlight.js';
import { sendPrivately } from './respond.js';
import { onInteraction } from './events/interactionCreate.js';
import { onMessage } from './events/messageCreate.js';
import { onReady } from './events/ready.js';
import { onThreadCreate } from './events/threadCreate.js';
import { Conversations } from './threads.js';
import { forgetServer } from './documents/forgetServer.js';
import { QuizRunner } from './quizzes.js';
import { realScheduler } from './scheduler.js';
import type { BotContext, BotDeps } from './types.js';
import type { BotConfig } from '../config.js';

export interface Bot {
  client: Client;
  /** Logs in and resolves once the client is ready. */
  start(token: string): Promise<void>;
  /**
   * Stops accepting work (new interactions and questions are told the bot is restarting),
   * waits up to `graceMs` for what is running, tells the rest it is restarting, then cancels
   * scheduled quiz closes and closes the gateway connection; the engine and storage belong to the caller.
   */
  stop(options?: { graceMs?: number }): Promise<{ finished: number; abandoned: number }>;
  /** What the handlers are given (for tests and tools). */
  context: BotContext;
}

/**
 * Guilds (slash commands, channel cache) and GuildMessages (mentions). MessageContent is
 * privileged: requested only when QA_CHANNEL_IDS is set, because reading messages that do
 * not mention the bot needs it; mentions carry their content without it.
 */
export function botIntents(config: Pick<BotConfig, 'QA_CHANNEL_IDS'>): GatewayIntentBits[] {
  return [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, ...(config.QA_CHANNEL_IDS.length ? [GatewayIntentBits.MessageContent] : [])];
}

export function createBot(deps: BotDeps, clientOptions: Partial<ClientOptions> = {}): Bot {
  const { config, logger } = deps;
  const client = new Client({
    intents: botIntents(config),
    allowedMentions: NO_MENTIONS,
    ...clientOptions,
    rest: { ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}), ...clientOptions.rest },
  });

  const scheduler = deps.scheduler ?? realScheduler;
  const context: BotContext = {
    ...deps,
    scheduler,
    questionsInFlight: new Set(),
    quizzes: new QuizRunner({ ...deps, scheduler }, client),
    conversations: new Conversations(),
  };

  const interactions = onInteraction(context);
  const messages = onMessage(context);
  const work = new InFlightWork();
  const restarting = (interaction: Interaction) => async () => {
    if (interaction.isRepliable()) await sendPrivately(interaction, RESTARTING_MESSAGE);
  };
  const restartingReply = (message: Message) => async () => {
    await message.reply({ content: RESTARTING_MESSAGE, allowedMentions: NO_MENTIONS_REPLY });
  };
  client.once(Events.ClientReady, onReady(context));
  client.on(Events.InteractionCreate, (interaction) => {
    if (!work.stopping) return void work.track(() => interactions(interaction), restarting(interaction));
    if (interaction.isAutocomplete()) return void interaction.respond([]).catch(() => undefined);
    work.notify(restarting(interaction));
  });
  client.on(Events.MessageCreate, (message) => {
    // Only messages the handler would answer get the notice: it decides, so it runs, its reply replaced.
    if (!work.stopping) return void work.track(() => messages(message), restartingReply(message));
    if (!message.author.bot && message.inGuild() && message.mentions.has(client.user?.id ?? '', { ignoreEveryone: true, ignoreRoles: true, ignoreRepliedUser: true })) {
      work.notify(restartingReply(message));
    }
  });
  const forumPosts = onThreadCreate(context);
  client.on(Events.ThreadCreate, (thread, newlyCreated) => {
    if (!work.stopping) void work.track(() => forumPosts(thread, newlyCreated), async () => undefined);
  });
  // Removed from a server (kicked, or the server deleted): nothing of it is kept. An outage
  // is a different event (GuildUnavailable) and erases nothing.
  client.on(Events.GuildDelete, (guild) => {
    forgetServer(context, guild.id, 'left').catch((err: unknown) => logger.error({ err, guildId: guild.id }, 'could not erase the data of a server the bot left'));
  });
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ event: 'discord-warning' }, message));
  // While stopping, the closing connection is expected: not worth a warning.
  let stopping = false;
  client.on(Events.ShardDisconnect, (event, shardId) => stopping || logger.warn({ shardId, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardReconnecting, (shardId) => stopping || logger.info({ shardId }, 'gateway reconnecting'));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'gateway resumed'));
  client.on(Events.ShardError, (err, shardId) => logger.error({ err, shardId }, 'gateway error'));

  return {
    client,
    context,
    async start(token) {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
    },
    async stop({ graceMs = SHUTDOWN_GRACE_MS } = {}) {
      const outcome = await work.drain(graceMs);
      stopping = true;
      context.quizzes.stop();
      await client.destroy();
      return outcome;
    },
  };
}
