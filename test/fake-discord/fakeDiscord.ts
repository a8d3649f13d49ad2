/**
 * A local Discord for end-to-end tests of a real discord.js Client: one HTTP server on
 * 127.0.0.1 (port 0, so test files can run in parallel) serving the REST API under
 * `/api/v10` and the gateway WebSocket on `/gateway` and `/resume`.
 *
 * The fake plays Discord and the users: tests register nothing by hand; they start the
 * bot against `apiUrl`, then act as users (`sendSlashCommand`, `clickButton`,
 * `sendMessage`) and assert on what the bot sent back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  ApplicationFlags,
  ChannelType,
  ComponentType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionType,
  MessageType,
  PermissionFlagsBits,
  type APIApplicationCommand,
  type APIApplicationCommandOptionChoice,
  type APIAttachment,
  type APIMessage,
  type APIUser,
  type GatewayIdentifyData,
} from 'discord-api-types/v10';
import { CommandRegistry } from './commands.js';
import { FakeAPIError, apiErrors } from './errors.js';
import { GatewayServer, PRIVILEGED_INTENTS, type GatewaySession, type ResumeResult } from './gateway.js';
import { FakeGuild, buildUser } from './guilds.js';
import { Router, checkAuth, readRequest, sendJson, type Reply } from './http.js';
import { InteractionRegistry, type InteractionHandle } from './interactions.js';
import { MessageStore, findComponent, toVisible } from './messages.js';
import { buildCommandData, buildInteraction, buildMessageCreate, type InteractionSource } from './payloads.js';
import { Recorder } from './recorder.js';
import { registerRoutes } from './rest.js';
import { World } from './world.js';
import { createSnowflake } from './snowflake.js';
import type { UserRef } from './types.js';
import type {
  AutocompleteOptions,
  ClickButtonOptions,
  FakeDiscordOptions,
  MessageExchange,
  RecordedRequest,
  SendMessageOptions,
  SlashCommandOptions,
  StoredMessage,
  VisibleMessage,
} from './types.js';

const API_PREFIX = '/api/v10';

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly guilds: FakeGuild[];
  /** Interactions dispatched so far, in order. */
  readonly interactions: InteractionHandle[] = [];

  readonly #options: Required<Pick<FakeDiscordOptions, 'interactionAckTimeoutMs' | 'requireRegisteredCommands'>>;
  readonly #server: Server;
  readonly #router = new Router();
  readonly #requests = new Recorder<RecordedRequest>('REST requests');
  readonly #typing = new Recorder<{ channelId: string; at: number }>('typing');
  readonly #reactions = new Recorder<{ channelId: string; messageId: string; emoji: string; at: number }>('reactions');
  readonly #commands: CommandRegistry;
  readonly #messages: MessageStore;
  /** Files users uploaded for commands, by attachment id. */
  readonly #uploads = new Map<string, APIAttachment>();
  readonly #interactions: InteractionRegistry;
  readonly #gateway: GatewayServer;
  readonly #world: World;
  readonly #startedAt = performance.now();
  readonly #log: (line: string) => void;
  /** Failures a test asked for with {@link failNextRequest}, tried in order. */
  readonly #injected: { matches: (request: { method: string; path: string; files: number }) => boolean; error: FakeAPIError }[] = [];
  #port = 0;

  /** Use {@link startFakeDiscord}. */
  constructor(options: FakeDiscordOptions = {}) {
    this.token = options.token ?? 'test-token';
    this.applicationId = options.applicationId ?? createSnowflake();
    this.botUser = { ...buildUser({ id: this.applicationId, username: 'Verbatim', ...options.botUser, bot: true }), bot: true };
    this.#log = options.log ?? (process.env.FAKE_DISCORD_DEBUG ? (line) => console.error(`[fake-discord] ${line}`) : () => {});
    const createdAt = new Date().toISOString();
    this.guilds = (options.guilds ?? [{}]).map((g) => new FakeGuild(g, this.botUser, createdAt));
    this.#world = new World(this.guilds, this.botUser);
    this.#options = {
      interactionAckTimeoutMs: options.interactionAckTimeoutMs ?? 3000,
      requireRegisteredCommands: options.requireRegisteredCommands ?? true,
    };
    const privilegedIntents = options.privilegedIntents ?? PRIVILEGED_INTENTS;

    this.#commands = new CommandRegistry(this.applicationId);
    this.#messages = new MessageStore(
      {
        user: (id, guildId) => this.#world.knownUser(id, guildId),
        hasRole: (id, guildId) => this.#world.guild(guildId)?.roles.some((r) => r.id === id) ?? false,
      },
      (channelId, id, filename) => `${this.baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`,
      () => this.#now(),
    );
    this.#interactions = new InteractionRegistry({
      applicationId: this.applicationId,
      botUser: this.botUser,
      messages: this.#messages,
      ackTimeoutMs: this.#options.interactionAckTimeoutMs,
      canMentionEveryone: (_guildId, channelId) => (this.#world.botPermissions(channelId) & PermissionFlagsBits.MentionEveryone) !== 0n,
    });
    const applicationFlags =
      (privilegedIntents & GatewayIntentBits.MessageContent ? ApplicationFlags.GatewayMessageContentLimited : 0) |
      (privilegedIntents & GatewayIntentBits.GuildMembers ? ApplicationFlags.GatewayGuildMembersLimited : 0) |
      (privilegedIntents & GatewayIntentBits.GuildPresences ? ApplicationFlags.GatewayPresenceLimited : 0);
    this.#gateway = new GatewayServer({
      token: this.token,
      botUser: this.botUser,
      applicationId: this.applicationId,
      applicationFlags,
      guilds: this.guilds,
      privilegedIntents,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      baseUrl: () => `ws://127.0.0.1:${this.#port}`,
      log: this.#log,
    });
    registerRoutes(this.#router, {
      token: this.token,
      applicationId: this.applicationId,
      botUser: this.botUser,
      applicationFlags,
      guilds: this.guilds,
      recommendedShards: options.recommendedShards ?? 1,
      maxConcurrency: options.maxConcurrency ?? 1,
      commands: this.#commands,
      messages: this.#messages,
      interactions: this.#interactions,
      typing: this.#typing,
      reactions: this.#reactions,
      gatewayUrl: () => this.#gateway.url,
      now: () => this.#now(),
      channel: (channelId) => this.#world.channel(channelId),
      dispatch: (t, d, guildId) => void this.#gateway.dispatch(t, d, guildId),
      privilegedIntents,
      botPermissions: (channelId) => this.#world.botPermissions(channelId),
    });
    this.#server = createServer((req, res) => void this.#onRequest(req, res));
    this.#server.on('upgrade', (req, socket, head) => this.#gateway.handleUpgrade(req, socket, head));
  }

  /** @internal */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#log(`listening on ${this.baseUrl}`);
  }

  // ---------------------------------------------------------------- addresses

  /** `http://127.0.0.1:PORT` */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** For `new Client({ rest: { api: discord.apiUrl } })`; @discordjs/rest appends `/v10`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }

  /** The gateway URL that GET /gateway/bot hands out. */
  get gatewayUrl(): string {
    return this.#gateway.url;
  }

  /** The first guild, for single-guild tests. */
  get guild(): FakeGuild {
    return this.#world.firstGuild;
  }

  /** `<@botId>`: put it in `sendMessage` content to mention the bot. */
  get botMention(): string {
    return `<@${this.botUser.id}>`;
  }

  // ---------------------------------------------------------------- records

  /** Every REST request, in order. */
  get requests(): readonly RecordedRequest[] {
    return this.#requests.items;
  }

  /** Requests that matched no route (answered 404): tests assert this stays empty. */
  get unhandled(): readonly RecordedRequest[] {
    return this.#requests.items.filter((r) => r.route === null);
  }

  /** Requests answered with a 4xx/5xx (rejections by Discord's rules, plus unhandled). */
  get failed(): readonly RecordedRequest[] {
    return this.#requests.items.filter((r) => r.status >= 400);
  }

  /** Registered application commands; guild commands carry `guild_id`. */
  get commands(): readonly APIApplicationCommand[] {
    return this.#commands.all;
  }

  /** Every message the fake holds (the bot's and simulated users'), in creation order. */
  get messages(): readonly StoredMessage[] {
    return this.#messages.all;
  }

  /** POST /channels/{id}/typing calls. */
  get typing(): readonly { channelId: string; at: number }[] {
    return this.#typing.items;
  }

  /** Reactions the bot added. */
  get reactions(): readonly { channelId: string; messageId: string; emoji: string; at: number }[] {
    return this.#reactions.items;
  }

  /** Gateway sessions (one per identified shard). */
  get sessions(): readonly GatewaySession[] {
    return this.#gateway.sessions;
  }

  /** Every payload the client sent on the gateway (IDENTIFY, heartbeats, RESUME...). */
  get gatewayPayloads(): readonly { op: number; d: unknown; path: string; at: number }[] {
    return this.#gateway.received.items;
  }

  /** Gateway protocol problems (unsupported compression, bad frames, unknown opcodes). */
  get gatewayProblems(): readonly string[] {
    return this.#gateway.problems;
  }

  // ---------------------------------------------------------------- waiting

  /** Resolves with the IDENTIFY data (intents, shard, properties) once a client identified on `shardId`. */
  async waitForIdentify({ shardId = 0, timeoutMs = 5000 }: { shardId?: number; timeoutMs?: number } = {}): Promise<GatewayIdentifyData> {
    const session = await this.#gateway.identified.waitFor((s) => s.shard[0] === shardId, { timeoutMs, what: `IDENTIFY on shard ${shardId}` });
    return session.identify;
  }

  /** The first REST request (already seen or upcoming) matching `predicate`. */
  waitForRequest(predicate: (request: RecordedRequest) => boolean, timeoutMs = 2000): Promise<RecordedRequest> {
    return this.#requests.waitFor(predicate, { timeoutMs, what: 'a matching REST request' });
  }

  /** The first bot message (already sent or upcoming) matching `predicate`. */
  async waitForMessage(predicate: (message: VisibleMessage) => boolean = () => true, timeoutMs = 2000): Promise<VisibleMessage> {
    const stored = await this.#messages.created.waitFor((m) => m.source !== 'user' && predicate(toVisible(m)), {
      timeoutMs,
      what: 'a matching message from the bot',
    });
    return toVisible(stored);
  }

  // ---------------------------------------------------------------- acting as users

  /** Dispatches a chat input command; the handle collects the bot's responses. */
  /**
   * A user uploads a file, as Discord's client does before sending a command with an
   * attachment option: pass the returned `id` as that option's value. Served at its `url`
   * (the fake's CDN) until the fake closes.
   */
  uploadAttachment(options: { filename: string; data: Buffer | string; contentType?: string; channelId?: string }): APIAttachment {
    const data = Buffer.isBuffer(options.data) ? options.data : Buffer.from(options.data);
    const attachment = this.#messages.upload(options.channelId ?? this.guild.channels[0]!.id, {
      field: 'files[0]',
      name: options.filename,
      size: data.length,
      contentType: options.contentType ?? 'application/octet-stream',
      data,
      text: () => data.toString('utf8'),
    });
    this.#uploads.set(attachment.id, attachment);
    return attachment;
  }

  /**
   * The bot is removed from a guild (kicked, or the guild deleted): GUILD_DELETE without
   * `unavailable`, which is how Discord tells this apart from an outage.
   */
  removeBotFromGuild(guildId: string = this.guild.id): void {
    this.#gateway.dispatch(GatewayDispatchEvents.GuildDelete, { id: guildId }, guildId);
  }

  /**
   * A user opens a post in a forum channel: THREAD_CREATE (newly created), then the post's
   * first message (its id is the post's) as MESSAGE_CREATE, its content blanked without the
   * MessageContent intent, as Discord does. Resolves with the post (a thread).
   */
  async createForumPost(options: { channelId: string; title: string; content: string; user?: UserRef; guildId?: string }): Promise<{ thread: { id: string; name: string }; message: APIMessage }> {
    const source = this.#world.source({ ...options, ...(options.user ? { user: options.user } : {}) });
    const guild = source.guild!;
    const forum = guild.findChannel(options.channelId);
    if (!forum || forum.type !== ChannelType.GuildForum) throw new Error(`FakeDiscord: ${options.channelId} is not a forum channel`);
    const thread = guild.addThread({ parentId: forum.id, name: options.title, ownerId: source.user.id });
    this.#gateway.dispatch(GatewayDispatchEvents.ThreadCreate, { ...thread, newly_created: true }, guild.id);
    const stored = this.#messages.create({
      id: thread.id,
      channelId: thread.id,
      guildId: guild.id,
      author: source.user,
      write: { content: options.content },
      files: [],
      source: 'user',
      type: MessageType.Default,
      canMentionEveryone: false,
    });
    const session = this.#connectedSession(source);
    const delivered = buildMessageCreate(structuredClone(stored.message), guild, source.member);
    const mentioned = stored.message.mentions.some((u) => u.id === this.botUser.id);
    if (!(session.intents & GatewayIntentBits.MessageContent) && !mentioned) Object.assign(delivered, { content: '', embeds: [], attachments: [], components: [] });
    this.#gateway.dispatch(GatewayDispatchEvents.MessageCreate, delivered, guild.id);
    return { thread: { id: thread.id, name: thread.name ?? options.title }, message: stored.message };
  }

  sendSlashCommand(options: SlashCommandOptions): InteractionHandle {
    const source = { ...this.#world.source(options), attachment: (id: string) => this.#uploads.get(id) };
    const data = buildCommandData(this.#command(options.name, source), options.name, options.options, options, source);
    return this.#dispatchInteraction(buildInteraction(this.applicationId, source, InteractionType.ApplicationCommand, data), source, null);
  }

  /** Dispatches an autocomplete interaction and resolves with the bot's choices. */
  async sendAutocomplete(options: AutocompleteOptions): Promise<APIApplicationCommandOptionChoice[]> {
    return this.sendAutocompleteInteraction(options).choices(options.timeoutMs);
  }

  /** Like {@link sendAutocomplete}, returning the handle (for timings and rejections). */
  sendAutocompleteInteraction(options: AutocompleteOptions): InteractionHandle {
    const source = this.#world.source(options);
    const list = Array.isArray(options.options)
      ? options.options
      : Object.entries(options.options ?? {}).map(([name, value]) => ({ name, value }));
    const focusedName = options.focused ?? list.find((o) => 'focused' in o && o.focused)?.name ?? list.at(-1)?.name;
    const withFocus = list.map((o) => (o.name === focusedName ? { ...o, focused: true } : o));
    const data = buildCommandData(this.#command(options.name, source), options.name, withFocus, options, source);
    return this.#dispatchInteraction(buildInteraction(this.applicationId, source, InteractionType.ApplicationCommandAutocomplete, data), source, null);
  }

  /** Clicks a button on one of the bot's messages (type 3 interaction, component_type 2). */
  clickButton(options: ClickButtonOptions): InteractionHandle {
    const stored = options.message
      ? this.#messages.get(options.message.id)
      : [...this.#messages.all].reverse().find((m) => !m.deleted && findComponent(m.message, options.customId));
    if (!stored || stored.deleted) throw new Error(`FakeDiscord: no message ${options.message ? options.message.id : `with a button "${options.customId}"`} to click`);
    const component = findComponent(stored.message, options.customId);
    if (!component) throw new Error(`FakeDiscord: message ${stored.message.id} has no component with custom_id "${options.customId}"`);
    if (component.type !== ComponentType.Button) throw new Error(`FakeDiscord: "${options.customId}" is component type ${component.type}, not a button`);
    const source = this.#world.source({ ...options, guildId: stored.guildId, channelId: stored.message.channel_id });
    const data = { custom_id: options.customId, component_type: ComponentType.Button };
    return this.#dispatchInteraction(buildInteraction(this.applicationId, source, InteractionType.MessageComponent, data, stored.message), source, stored);
  }

  /**
   * A user posts a message. Delivered only if the client identified with GuildMessages
   * (DirectMessages in DMs); content, embeds and attachments are blanked unless it also
   * has MessageContent, the message mentions the bot, or it is a DM, as on Discord.
   * Resolves with the bot's next message in the channel, if any.
   */
  async sendMessage(options: SendMessageOptions): Promise<MessageExchange> {
    const source = this.#world.source(options);
    const session = this.#connectedSession(source);
    const replyTo = typeof options.replyTo === 'string' ? options.replyTo : options.replyTo?.id;
    const from = this.#messages.created.items.length;
    const explicit = options.mentions?.map((ref) => this.#world.resolveUser(ref, source.guild));
    const stored = this.#messages.create({
      channelId: source.channelId,
      guildId: source.guild?.id ?? null,
      author: source.user,
      write: {
        content: options.content,
        ...(replyTo ? { message_reference: { message_id: replyTo } } : {}),
      },
      pingRepliedUser: options.mentionRepliedUser ?? true,
      files: [],
      source: 'user',
      type: MessageType.Default,
      canMentionEveryone: (source.memberPermissions & PermissionFlagsBits.MentionEveryone) !== 0n,
      ...(explicit ? { mentionsOverride: explicit } : {}),
    });
    const message = stored.message;

    const needed = source.guild ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
    if (!(session.intents & needed)) return { message, delivered: null, reply: null };

    const delivered = buildMessageCreate(structuredClone(message), source.guild, source.member);
    const seesContent =
      (session.intents & GatewayIntentBits.MessageContent) !== 0 ||
      !source.guild ||
      message.mentions.some((u) => u.id === this.botUser.id);
    if (!seesContent) Object.assign(delivered, { content: '', embeds: [], attachments: [], components: [] });
    this.#gateway.dispatch(GatewayDispatchEvents.MessageCreate, delivered, source.guild?.id ?? null);

    const reply = await this.#messages.created
      .waitFor((m) => m.source === 'channel' && m.message.channel_id === source.channelId, {
        from,
        timeoutMs: options.timeoutMs ?? 1000,
        what: 'a reply',
      })
      .catch(() => null);
    return { message, delivered, reply: reply ? toVisible(reply) : null };
  }

  /** Sends op 7 (Reconnect); resolves once the client has RESUMEd on the resume URL. */
  reconnect(shardId = 0, timeoutMs = 5000): Promise<ResumeResult> {
    return this.#gateway.reconnect(shardId, timeoutMs);
  }

  /**
   * The next request that `matches` fails with `error` (default 403 Missing Permissions),
   * as Discord can refuse anything at any time: for testing what the bot does with a failure.
   */
  failNextRequest(matches: (request: { method: string; path: string; files: number }) => boolean, error: FakeAPIError = apiErrors.missingPermissions()): void {
    this.#injected.push({ matches, error });
  }

  async close(): Promise<void> {
    const reason = new Error('FakeDiscord: closed');
    this.#interactions.closeAll(reason);
    this.#requests.close(reason);
    this.#messages.created.close(reason);
    await this.#gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- internals

  #now(): number {
    return Math.round((performance.now() - this.#startedAt) * 10) / 10;
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (url.startsWith('/attachments/')) return this.#serveAttachment(url, res);
    const request = await readRequest(req, API_PREFIX);
    const matched = url.startsWith(`${API_PREFIX}/`) ? this.#router.match(request.method, request.segments) : undefined;
    let reply: Reply;
    try {
      if (!matched) throw apiErrors.notFound();
      if (matched.route.auth) checkAuth(request, this.token);
      if (request.malformed) throw apiErrors.invalidJson();
      const injected = this.#injected.findIndex((f) => f.matches({ method: request.method, path: request.path, files: request.files.length }));
      if (injected >= 0) throw this.#injected.splice(injected, 1)[0]!.error;
      reply = await matched.route.handler(request, matched.params);
    } catch (error) {
      if (!(error instanceof FakeAPIError)) {
        this.#log(`REST handler error on ${request.method} ${request.path}: ${String((error as Error)?.stack ?? error)}`);
        error = new FakeAPIError(500, { code: 0, message: `FakeDiscord internal error: ${String((error as Error)?.message ?? error)}` });
      }
      const failure = error as FakeAPIError;
      reply = { status: failure.status, body: failure.body };
      if (matched?.params.token) this.#interactions.reject(matched.params.token, request.method, request.path, failure);
    }
    this.#log(`REST ${request.method} ${request.path} -> ${reply.status}`);
    this.#requests.push({
      method: request.method,
      path: request.path,
      route: matched?.route.pattern ?? null,
      query: request.query,
      body: request.body,
      files: request.files,
      headers: request.headers,
      status: reply.status,
      response: reply.body,
      at: this.#now(),
    });
    sendJson(res, reply);
  }

  #serveAttachment(url: string, res: ServerResponse): void {
    const id = url.split('/')[3] ?? '';
    const file = this.#messages.attachmentFiles.get(id);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.size }).end(file.data);
  }

  #command(name: string, source: InteractionSource): APIApplicationCommand | undefined {
    const command = this.#commands.find(name, source.guild?.id ?? null);
    if (!command && this.#options.requireRegisteredCommands) {
      const known = this.#commands.all.map((c) => c.name).join(', ') || 'none';
      throw new Error(`FakeDiscord: /${name} is not registered (registered: ${known}); users can only run registered commands`);
    }
    return command;
  }

  #connectedSession(source: InteractionSource): GatewaySession {
    const session = this.#gateway.sessionFor(source.guild?.id ?? null);
    if (!session) throw new Error('FakeDiscord: no client has identified yet; await discord.waitForIdentify() (or the client ready event) first');
    return session;
  }

  #dispatchInteraction(payload: ReturnType<typeof buildInteraction>, source: InteractionSource, componentMessage: StoredMessage | null): InteractionHandle {
    this.#connectedSession(source);
    const handle = this.#interactions.register(payload, componentMessage);
    this.interactions.push(handle);
    this.#gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload, source.guild?.id ?? null);
    return handle;
  }
}

/** Starts a fake Discord on a free port of 127.0.0.1. Close it with `close()` after the test. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const discord = new FakeDiscord(options);
  await discord.listen();
  return discord;
}

