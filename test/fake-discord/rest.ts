/**
 * The REST routes discord.js calls for a bot like Verbatim, answered like Discord.
 *
 * Bot-token routes check `Authorization: Bot <token>`; interaction callbacks and the
 * interaction webhook routes are authorised by the interaction token in the path, as on
 * Discord (discord.js sends them with `auth: false`). Channel routes check the bot's
 * permissions in the channel, so a bot lacking SendMessages gets the real 403.
 */
import {
  ChannelType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  PermissionFlagsBits,
  type APIChannel,
  type APIUser,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import type { CommandRegistry } from './commands.js';
import { apiErrors, FormErrors } from './errors.js';
import type { FakeGuild } from './guilds.js';
import type { Router } from './http.js';
import type { InteractionRegistry } from './interactions.js';
import type { MessageStore, MessageWrite } from './messages.js';
import type { Recorder } from './recorder.js';
import { validateMessageWrite } from './validation.js';

export interface RestContext {
  token: string;
  applicationId: string;
  botUser: APIUser;
  applicationFlags: number;
  guilds: readonly FakeGuild[];
  recommendedShards: number;
  maxConcurrency: number;
  commands: CommandRegistry;
  messages: MessageStore;
  interactions: InteractionRegistry;
  typing: Recorder<{ channelId: string; at: number }>;
  reactions: Recorder<{ channelId: string; messageId: string; emoji: string; at: number }>;
  gatewayUrl: () => string;
  now: () => number;
  /** The guild (null for a DM) and channel object for a channel id, if it exists. */
  channel: (channelId: string) => { guild: FakeGuild | null; channel: APIChannel } | undefined;
  /** The bot's permissions in a channel (everything in DMs). */
  botPermissions: (channelId: string) => bigint;
  /** Privileged intents enabled for the app (bits of GatewayIntentBits). */
  privilegedIntents: number;
  /** Sends a gateway dispatch to the session of `guildId` (e.g. THREAD_CREATE after a REST call). */
  dispatch: (t: GatewayDispatchEvents, d: unknown, guildId: string | null) => void;
}

export function registerRoutes(router: Router, ctx: RestContext): void {
  const ok = (body?: unknown) => ({ status: body === undefined ? 204 : 200, body });

  // --- login ---
  router.add('GET', '/gateway/bot', () =>
    ok({
      url: ctx.gatewayUrl(),
      shards: ctx.recommendedShards,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: ctx.maxConcurrency },
    }),
  );
  router.add('GET', '/gateway', () => ok({ url: ctx.gatewayUrl() }), { auth: false });
  router.add('GET', '/users/@me', () => ok(ctx.botUser));
  router.add('GET', '/users/:userId', (_req, { userId }) => {
    const user = userId === ctx.botUser.id ? ctx.botUser : ctx.guilds.flatMap((g) => g.members).find((m) => m.user.id === userId)?.user;
    if (!user) throw apiErrors.unknownUser();
    return ok(user);
  });
  router.add('GET', '/applications/@me', () =>
    ok({
      id: ctx.applicationId,
      name: ctx.botUser.username,
      icon: null,
      description: '',
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: ctx.applicationFlags,
      bot: ctx.botUser,
      owner: { ...ctx.botUser, id: ctx.guilds[0]?.ownerId ?? ctx.botUser.id, bot: false, username: 'owner' },
      team: null,
      summary: '',
    }),
  );

  // --- application commands (global: guildId undefined) ---
  const scope = (params: Record<string, string>): string | null => {
    if (params.applicationId !== ctx.applicationId) throw apiErrors.unknownApplication();
    const guildId = params.guildId ?? null;
    if (guildId && !ctx.guilds.some((g) => g.id === guildId)) throw apiErrors.missingAccess();
    return guildId;
  };
  for (const base of ['/applications/:applicationId/commands', '/applications/:applicationId/guilds/:guildId/commands']) {
    router.add('GET', base, (_req, params) => ok(ctx.commands.list(scope(params))));
    router.add('PUT', base, (req, params) => ok(ctx.commands.overwrite(scope(params), asArray<RESTPostAPIApplicationCommandsJSONBody>(req.body))));
    router.add('POST', base, (req, params) => ({ status: 201, body: ctx.commands.upsert(scope(params), req.body as RESTPostAPIApplicationCommandsJSONBody) }));
    router.add('GET', `${base}/:commandId`, (_req, params) => ok(ctx.commands.get(scope(params), params.commandId ?? '')));
    router.add('PATCH', `${base}/:commandId`, (req, params) => ok(ctx.commands.edit(scope(params), params.commandId ?? '', req.body as object)));
    router.add('DELETE', `${base}/:commandId`, (_req, params) => {
      ctx.commands.remove(scope(params), params.commandId ?? '');
      return ok();
    });
  }

  // --- interaction responses (authorised by the interaction token) ---
  router.add(
    'POST',
    '/interactions/:interactionId/:token/callback',
    (req, { interactionId = '', token = '' }) => {
      const withResponse = req.query.with_response === 'true';
      const result = ctx.interactions.callback(interactionId, token, req.body as { type?: number }, req.files, withResponse);
      return withResponse ? ok(result) : ok();
    },
    { auth: false },
  );
  router.add(
    'POST',
    '/webhooks/:applicationId/:token',
    (req, { applicationId = '', token = '' }) => {
      const message = ctx.interactions.followUp(applicationId, token, (req.body ?? {}) as MessageWrite, req.files);
      return req.query.wait === 'true' ? ok(message) : ok();
    },
    { auth: false },
  );
  const webhookMessage = '/webhooks/:applicationId/:token/messages/:messageId';
  router.add('GET', webhookMessage, (_req, p) => ok(ctx.interactions.webhookMessage(p.applicationId ?? '', p.token ?? '', p.messageId ?? '').stored.message), { auth: false });
  router.add(
    'PATCH',
    webhookMessage,
    (req, p) => ok(ctx.interactions.edit(p.applicationId ?? '', p.token ?? '', p.messageId ?? '', (req.body ?? {}) as MessageWrite, req.files)),
    { auth: false },
  );
  router.add(
    'DELETE',
    webhookMessage,
    (_req, p) => {
      ctx.interactions.delete(p.applicationId ?? '', p.token ?? '', p.messageId ?? '');
      return ok();
    },
    { auth: false },
  );

  // --- channels ---
  const channelOf = (channelId: string | undefined) => {
    const found = ctx.channel(channelId ?? '');
    if (!found) throw apiErrors.unknownChannel();
    const permissions = ctx.botPermissions(found.channel.id);
    if (!(permissions & PermissionFlagsBits.ViewChannel)) throw apiErrors.missingAccess();
    return { ...found, permissions };
  };
  const requirePermission = (permissions: bigint, bit: bigint): void => {
    if (!(permissions & bit)) throw apiErrors.missingPermissions();
  };
  const messageIn = (channelId: string, messageId: string | undefined) => {
    const stored = ctx.messages.get(messageId ?? '');
    if (!stored || stored.deleted || stored.message.channel_id !== channelId) throw apiErrors.unknownMessage();
    return stored;
  };

  router.add('GET', '/channels/:channelId', (_req, { channelId }) => ok(channelOf(channelId).channel));
  router.add('POST', '/channels/:channelId/messages', (req, { channelId }) => {
    const { guild, channel, permissions } = channelOf(channelId);
    const write = (req.body ?? {}) as MessageWrite;
    requirePermission(permissions, PermissionFlagsBits.SendMessages);
    if (req.files.length > 0) requirePermission(permissions, PermissionFlagsBits.AttachFiles);
    validateMessageWrite(write, { creating: true, fileCount: req.files.length });
    if (write.message_reference?.message_id) {
      // Replies need to read the history, and the referenced message must exist.
      requirePermission(permissions, PermissionFlagsBits.ReadMessageHistory);
      const target = ctx.messages.get(write.message_reference.message_id);
      if (!target || target.deleted) {
        if (write.message_reference.fail_if_not_exists !== false) throw apiErrors.unknownMessage();
        write.message_reference = null;
      }
    }
    const stored = ctx.messages.create({
      channelId: channel.id,
      guildId: guild?.id ?? null,
      author: ctx.botUser,
      write,
      files: req.files,
      source: 'channel',
      type: 0,
      canMentionEveryone: (permissions & PermissionFlagsBits.MentionEveryone) !== 0n,
    });
    return ok(stored.message);
  });
  router.add('GET', '/channels/:channelId/messages/:messageId', (_req, { channelId, messageId }) => {
    const { guild, channel, permissions } = channelOf(channelId);
    requirePermission(permissions, PermissionFlagsBits.ReadMessageHistory);
    const message = messageIn(channel.id, messageId).message;
    // Without Message Content enabled for the app, Discord blanks other users' messages in
    // guilds over REST too, unless they mention the bot.
    const blank = guild !== null && !(ctx.privilegedIntents & GatewayIntentBits.MessageContent) && message.author.id !== ctx.botUser.id && !message.mentions.some((u) => u.id === ctx.botUser.id);
    return ok(blank ? { ...message, content: '', embeds: [], attachments: [], components: [] } : message);
  });
  router.add('PATCH', '/channels/:channelId/messages/:messageId', (req, { channelId, messageId }) => {
    const { channel, permissions } = channelOf(channelId);
    const stored = messageIn(channel.id, messageId);
    if (stored.message.author.id !== ctx.botUser.id) throw apiErrors.notAuthor();
    const write = (req.body ?? {}) as MessageWrite;
    validateMessageWrite(write, { creating: false, fileCount: req.files.length });
    ctx.messages.edit(stored, write, req.files, (permissions & PermissionFlagsBits.MentionEveryone) !== 0n);
    return ok(stored.message);
  });
  router.add('DELETE', '/channels/:channelId/messages/:messageId', (_req, { channelId, messageId }) => {
    const { channel, permissions } = channelOf(channelId);
    const stored = messageIn(channel.id, messageId);
    if (stored.message.author.id !== ctx.botUser.id) requirePermission(permissions, PermissionFlagsBits.ManageMessages);
    ctx.messages.delete(stored);
    return ok();
  });
  // Starting a thread from a message: the thread's id is the message's, the bot owns it.
  router.add('POST', '/channels/:channelId/messages/:messageId/threads', (req, { channelId, messageId }) => {
    const { guild, channel, permissions } = channelOf(channelId);
    if (!guild || (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)) throw apiErrors.cannotStartThreadHere();
    requirePermission(permissions, PermissionFlagsBits.CreatePublicThreads);
    const stored = messageIn(channel.id, messageId);
    if (guild.threads.some((t) => t.id === stored.message.id)) throw apiErrors.threadAlreadyCreated();
    const name = String((req.body as { name?: unknown } | undefined)?.name ?? '').trim();
    const form = new FormErrors();
    form.required(['name'], name);
    form.maxLength(['name'], name, 100);
    form.throwIfAny();
    const thread = guild.addThread({ id: stored.message.id, parentId: channel.id, name, ownerId: ctx.botUser.id });
    ctx.dispatch(GatewayDispatchEvents.ThreadCreate, { ...thread, newly_created: true }, guild.id);
    return { status: 201, body: thread };
  });
  router.add('POST', '/channels/:channelId/typing', (_req, { channelId }) => {
    const { channel, permissions } = channelOf(channelId);
    requirePermission(permissions, PermissionFlagsBits.SendMessages);
    ctx.typing.push({ channelId: channel.id, at: ctx.now() });
    return ok();
  });
  router.add('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', (_req, { channelId, messageId, emoji = '' }) => {
    const { channel, permissions } = channelOf(channelId);
    requirePermission(permissions, PermissionFlagsBits.AddReactions);
    messageIn(channel.id, messageId);
    ctx.reactions.push({ channelId: channel.id, messageId: messageId ?? '', emoji, at: ctx.now() });
    return ok();
  });

  // --- guilds (discord.js fetches these when a bot asks for fresh data) ---
  const guildOf = (guildId: string | undefined): FakeGuild => {
    const guild = ctx.guilds.find((g) => g.id === guildId);
    if (!guild) throw apiErrors.unknownGuild();
    return guild;
  };
  router.add('GET', '/guilds/:guildId', (_req, { guildId }) => {
    const { members: _m, channels: _c, threads: _t, presences: _p, voice_states: _v, ...guild } = guildOf(guildId).toGuildCreate();
    return ok(guild);
  });
  router.add('GET', '/guilds/:guildId/channels', (_req, { guildId }) => ok(guildOf(guildId).channels));
  router.add('GET', '/guilds/:guildId/roles', (_req, { guildId }) => ok(guildOf(guildId).roles));
  router.add('GET', '/guilds/:guildId/members', (req, { guildId }) => {
    const limit = Number(req.query.limit ?? 1);
    return ok(guildOf(guildId).members.slice(0, limit));
  });
  router.add('GET', '/guilds/:guildId/members/:userId', (_req, { guildId, userId = '' }) => {
    const member = guildOf(guildId).findMember(userId);
    if (!member || member.user.id !== userId) throw apiErrors.unknownMember();
    return ok(member);
  });
}

function asArray<T>(body: unknown): T[] {
  return Array.isArray(body) ? (body as T[]) : [];
}
