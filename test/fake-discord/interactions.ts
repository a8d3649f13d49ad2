/**
 * Interactions: Discord's side of the response protocol (callback, @original, follow-ups),
 * recorded per interaction in a handle that a test awaits. (The dispatched payloads are
 * built in payloads.ts.)
 *
 * Discord rules modelled because bots get them wrong:
 * - one callback per interaction (a second gets 400 `Interaction has already been acknowledged`);
 * - the callback must come within 3 s (then 404 `Unknown interaction`);
 * - @original and follow-ups only exist after the callback (before it: 404 `Unknown Webhook`);
 * - after a defer (type 5), the first follow-up replaces the "thinking…" message instead of
 *   posting a new one, and keeps the defer's ephemeral flag;
 * - ephemeral is fixed by the first response; edits cannot change it.
 */
import { performance } from 'node:perf_hooks';
import {
  ApplicationIntegrationType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  type APIApplicationCommandOptionChoice,
  type APIInteraction,
  type APIMessage,
  type APIMessageInteractionMetadata,
  type APIUser,
  type RESTPostAPIInteractionCallbackWithResponseResult,
} from 'discord-api-types/v10';
import { FakeAPIError, FormErrors, apiErrors } from './errors.js';
import { toVisible, type MessageStore, type MessageWrite } from './messages.js';
import { Recorder } from './recorder.js';
import type { StoredMessage, UploadedFile, VisibleMessage } from './types.js';
import { validateChoices, validateMessageWrite } from './validation.js';

/** One accepted POST /interactions/{id}/{token}/callback. */
export interface RecordedCallback {
  type: InteractionResponseType;
  /** The body's `data` (message fields, `choices`, modal...). */
  data: Record<string, unknown> | undefined;
  files: UploadedFile[];
  withResponse: boolean;
  /** Milliseconds after the interaction was dispatched. */
  ms: number;
}

/** One accepted PATCH of the response message or a follow-up. */
export interface RecordedEdit {
  messageId: string;
  /** True when it targeted the response message (`@original`). */
  original: boolean;
  body: MessageWrite;
  files: UploadedFile[];
  ms: number;
}

/** A request about this interaction that the fake rejected (wrong order, over a limit...). */
export interface RejectedRequest {
  method: string;
  path: string;
  status: number;
  code: number;
  message: string;
  errors: unknown;
  ms: number;
}

type HandleEvent =
  | { kind: 'callback'; callback: RecordedCallback }
  | { kind: 'edit'; edit: RecordedEdit }
  | { kind: 'follow-up'; message: StoredMessage; ms: number }
  | { kind: 'delete'; messageId: string; ms: number }
  | { kind: 'rejected'; rejection: RejectedRequest };

export interface FinalMessageOptions {
  /** Give up after this long. Default 5000 ms. */
  timeoutMs?: number;
  /**
   * After the response becomes visible, wait this long for further edits and return the
   * last state. Default 30 ms; 0 returns the first visible state.
   */
  quietMs?: number;
}

/**
 * Everything that happened to one dispatched interaction, from the bot's callback to its
 * last follow-up. Returned by `sendSlashCommand` and `clickButton`.
 */
export class InteractionHandle {
  /** The INTERACTION_CREATE payload that was dispatched. */
  readonly payload: APIInteraction;
  readonly callbacks: RecordedCallback[] = [];
  readonly edits: RecordedEdit[] = [];
  readonly rejected: RejectedRequest[] = [];
  readonly #events = new Recorder<HandleEvent>('interaction lifecycle');
  readonly #dispatchedAt = performance.now();
  readonly #followUps: StoredMessage[] = [];
  /** @internal Set by the registry. */
  responseMessage: StoredMessage | null = null;
  /** @internal The message a component interaction came from. */
  readonly componentMessage: StoredMessage | null;

  constructor(payload: APIInteraction, componentMessage: StoredMessage | null) {
    this.payload = payload;
    this.componentMessage = componentMessage;
  }

  get id(): string {
    return this.payload.id;
  }

  get token(): string {
    return this.payload.token;
  }

  /** The response message as it looks now (the reply, or the clicked message for components), or null. */
  get original(): VisibleMessage | null {
    return this.responseMessage && !this.responseMessage.deleted ? toVisible(this.responseMessage) : null;
  }

  /** Follow-ups as they look now (excluding one that replaced a deferred response). */
  get followUps(): VisibleMessage[] {
    return this.#followUps.map(toVisible);
  }

  get acknowledged(): boolean {
    return this.callbacks.length > 0;
  }

  /** The first accepted callback and when it arrived. Rejects if the bot's callback was refused. */
  async firstResponse(timeoutMs = 3500): Promise<RecordedCallback> {
    const event = await this.#events.waitFor((e) => e.kind === 'callback' || e.kind === 'rejected', {
      timeoutMs,
      what: `the bot to respond to interaction ${this.id}`,
    });
    if (event.kind === 'rejected') throw rejectionError(event.rejection);
    if (event.kind !== 'callback') throw new Error('unreachable');
    return event.callback;
  }

  /**
   * The final visible response: the type-4 (or type-7) data, or the state after the last
   * edit following a defer. Fails fast if the fake rejected one of the bot's requests.
   */
  async finalMessage({ timeoutMs = 5000, quietMs = 30 }: FinalMessageOptions = {}): Promise<VisibleMessage> {
    const deadline = performance.now() + timeoutMs;
    let from = 0;
    for (;;) {
      const remaining = Math.max(1, deadline - performance.now());
      const event = await this.#events.waitFor((e) => this.#isVisibleChange(e) || e.kind === 'rejected', {
        timeoutMs: remaining,
        from,
        what: this.acknowledged
          ? `the response to interaction ${this.id} to become visible (callbacks: ${this.callbacks.map((c) => c.type).join(',')}, edits: ${this.edits.length})`
          : `the bot to respond to interaction ${this.id}`,
      });
      if (event.kind === 'rejected') throw rejectionError(event.rejection);
      from = this.#events.items.indexOf(event) + 1;
      if (this.responseMessage?.deleted) throw new Error(`FakeDiscord: the response to interaction ${this.id} was deleted`);
      if (quietMs <= 0) return this.#visibleNow();
      const further = await this.#events
        .waitFor((e) => this.#isVisibleChange(e) || e.kind === 'rejected', { timeoutMs: quietMs, from, what: 'further edits' })
        .catch(() => null);
      if (!further) return this.#visibleNow();
    }
  }

  /** The `n`-th follow-up (0-based), once it exists. */
  async followUp(n = 0, timeoutMs = 3000): Promise<VisibleMessage> {
    await this.#events.waitFor(() => this.#followUps.length > n, { timeoutMs, what: `follow-up #${n} of interaction ${this.id}` });
    const message = this.#followUps[n];
    if (!message) throw new Error('unreachable');
    return toVisible(message);
  }

  /** The choices of an autocomplete response (type 8). */
  async choices(timeoutMs = 3500): Promise<APIApplicationCommandOptionChoice[]> {
    const callback = await this.firstResponse(timeoutMs);
    if (callback.type !== InteractionResponseType.ApplicationCommandAutocompleteResult) {
      throw new Error(`FakeDiscord: expected an autocomplete result (type 8), the bot answered with type ${callback.type}`);
    }
    return (callback.data?.choices as APIApplicationCommandOptionChoice[] | undefined) ?? [];
  }

  /** @internal */
  record(event: HandleEvent): void {
    if (event.kind === 'callback') this.callbacks.push(event.callback);
    if (event.kind === 'edit') this.edits.push(event.edit);
    if (event.kind === 'follow-up' && event.message !== this.responseMessage) this.#followUps.push(event.message);
    if (event.kind === 'rejected') this.rejected.push(event.rejection);
    this.#events.push(event);
  }

  /** @internal Milliseconds since dispatch. */
  elapsed(): number {
    return Math.round((performance.now() - this.#dispatchedAt) * 10) / 10;
  }

  /** @internal */
  close(reason: Error): void {
    this.#events.close(reason);
  }

  #isVisibleChange(event: HandleEvent): boolean {
    const message = this.responseMessage;
    if (!message) return false;
    const visible = ((message.message.flags ?? 0) & MessageFlags.Loading) === 0;
    if (event.kind === 'callback') {
      return visible && (event.callback.type === InteractionResponseType.ChannelMessageWithSource || event.callback.type === InteractionResponseType.UpdateMessage);
    }
    if (event.kind === 'edit') return event.edit.original && visible;
    if (event.kind === 'follow-up') return event.message === message;
    return event.kind === 'delete';
  }

  #visibleNow(): VisibleMessage {
    if (!this.responseMessage || this.responseMessage.deleted) throw new Error(`FakeDiscord: interaction ${this.id} has no visible response`);
    return toVisible(this.responseMessage);
  }
}

function rejectionError(r: RejectedRequest): Error {
  const details = r.errors ? ` ${JSON.stringify(r.errors)}` : '';
  return new Error(`FakeDiscord: rejected the bot's ${r.method} ${r.path}: ${r.status} ${r.message} (code ${r.code})${details}`);
}

export interface InteractionRegistryOptions {
  applicationId: string;
  botUser: APIUser;
  messages: MessageStore;
  ackTimeoutMs: number;
  /** Whether the bot may ping @everyone in a channel (its MentionEveryone permission). */
  canMentionEveryone: (guildId: string | null, channelId: string) => boolean;
}

/** Discord's side of the interaction response routes, keyed by interaction id and token. */
export class InteractionRegistry {
  readonly #byId = new Map<string, InteractionHandle>();
  readonly #byToken = new Map<string, InteractionHandle>();

  constructor(private readonly options: InteractionRegistryOptions) {}

  register(payload: APIInteraction, componentMessage: StoredMessage | null = null): InteractionHandle {
    const handle = new InteractionHandle(payload, componentMessage);
    this.#byId.set(payload.id, handle);
    this.#byToken.set(payload.token, handle);
    return handle;
  }

  /** Records a refused request on its interaction, so awaiting tests fail with the reason. */
  reject(token: string, method: string, path: string, error: FakeAPIError): void {
    const handle = this.#byToken.get(token);
    handle?.record({
      kind: 'rejected',
      rejection: {
        method,
        path,
        status: error.status,
        code: error.body.code,
        message: error.body.message,
        errors: error.body.errors,
        ms: handle.elapsed(),
      },
    });
  }

  /** POST /interactions/{id}/{token}/callback */
  callback(
    id: string,
    token: string,
    body: { type?: number; data?: Record<string, unknown> } | undefined,
    files: UploadedFile[],
    withResponse: boolean,
  ): RESTPostAPIInteractionCallbackWithResponseResult | undefined {
    const handle = this.#byId.get(id);
    if (!handle || handle.token !== token) throw apiErrors.unknownInteraction();
    if (handle.elapsed() > this.options.ackTimeoutMs) throw apiErrors.unknownInteraction();
    if (handle.acknowledged) throw apiErrors.alreadyAcknowledged();

    const type = body?.type as InteractionResponseType | undefined;
    const data = body?.data;
    this.#checkCallbackType(handle, type);
    const channelId = handle.payload.channel?.id ?? '';
    const guildId = handle.payload.guild_id ?? null;
    const flags = typeof data?.flags === 'number' ? data.flags : 0;

    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        const write = (data ?? {}) as MessageWrite;
        validateMessageWrite(write, { prefix: ['data'], creating: true, fileCount: files.length });
        handle.responseMessage = this.#createResponse(handle, write, files, flags);
        break;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource:
        handle.responseMessage = this.#createResponse(handle, { content: '' }, [], (flags & MessageFlags.Ephemeral) | MessageFlags.Loading);
        break;
      case InteractionResponseType.DeferredMessageUpdate:
        handle.responseMessage = handle.componentMessage;
        break;
      case InteractionResponseType.UpdateMessage: {
        const write = (data ?? {}) as MessageWrite;
        validateMessageWrite(write, { prefix: ['data'], creating: false, fileCount: files.length });
        handle.responseMessage = handle.componentMessage;
        if (handle.responseMessage) this.options.messages.edit(handle.responseMessage, write, files, this.options.canMentionEveryone(guildId, channelId));
        break;
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult:
        validateChoices(data?.choices as APIApplicationCommandOptionChoice[] | undefined, ['data', 'choices']);
        break;
      default:
        break;
    }

    const callback: RecordedCallback = { type: type as InteractionResponseType, data, files, withResponse, ms: handle.elapsed() };
    handle.record({ kind: 'callback', callback });
    if (!withResponse) return undefined;
    const message = handle.responseMessage?.message;
    return {
      interaction: {
        id: handle.id,
        type: handle.payload.type,
        ...(message
          ? {
              response_message_id: message.id,
              response_message_loading: ((message.flags ?? 0) & MessageFlags.Loading) !== 0,
              response_message_ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
            }
          : {}),
      },
      resource: { type: type as InteractionResponseType, ...(message ? { message } : {}) },
    };
  }

  /** GET/PATCH/DELETE /webhooks/{app}/{token}/messages/{id|@original} target. */
  webhookMessage(applicationId: string, token: string, messageId: string): { handle: InteractionHandle; stored: StoredMessage } {
    const handle = this.#webhook(applicationId, token);
    const original = messageId === '@original';
    const stored = original ? handle.responseMessage : this.options.messages.get(messageId);
    if (!handle.acknowledged) throw apiErrors.unknownWebhook();
    if (!stored) throw apiErrors.unknownMessage();
    const belongs = original || stored === handle.responseMessage || stored.interactionId === handle.id;
    if (!belongs || stored.deleted) throw apiErrors.unknownMessage();
    return { handle, stored };
  }

  edit(applicationId: string, token: string, messageId: string, write: MessageWrite, files: UploadedFile[]): APIMessage {
    const { handle, stored } = this.webhookMessage(applicationId, token, messageId);
    validateMessageWrite(write, { creating: false, fileCount: files.length });
    if (wouldBeEmpty(stored.message, write, files)) throw apiErrors.emptyMessage();
    const channelId = stored.message.channel_id;
    this.options.messages.edit(stored, write, files, this.options.canMentionEveryone(stored.guildId, channelId));
    handle.record({
      kind: 'edit',
      edit: { messageId: stored.message.id, original: stored === handle.responseMessage, body: write, files, ms: handle.elapsed() },
    });
    return stored.message;
  }

  delete(applicationId: string, token: string, messageId: string): void {
    const { handle, stored } = this.webhookMessage(applicationId, token, messageId);
    this.options.messages.delete(stored);
    handle.record({ kind: 'delete', messageId: stored.message.id, ms: handle.elapsed() });
  }

  /** POST /webhooks/{app}/{token}: a follow-up, or the completion of a deferred response. */
  followUp(applicationId: string, token: string, write: MessageWrite, files: UploadedFile[]): APIMessage {
    const handle = this.#webhook(applicationId, token);
    if (!handle.acknowledged) throw apiErrors.unknownWebhook();
    validateMessageWrite(write, { creating: true, fileCount: files.length });
    const channelId = handle.payload.channel?.id ?? '';
    const guildId = handle.payload.guild_id ?? null;
    const pending = handle.responseMessage;
    let stored: StoredMessage;
    if (
      pending &&
      !pending.deleted &&
      handle.callbacks[0]?.type === InteractionResponseType.DeferredChannelMessageWithSource &&
      ((pending.message.flags ?? 0) & MessageFlags.Loading) !== 0
    ) {
      // Discord: the first follow-up after a defer fills in the "thinking…" message. Once the
      // bot deleted that message, a follow-up is a new message with its own flags
      // (discord/discord-api-docs#2739).
      this.options.messages.edit(pending, { ...write, flags: undefined }, files, this.options.canMentionEveryone(guildId, channelId));
      stored = pending;
    } else {
      const extra: Partial<APIMessage> = {
        ...this.#webhookFields(),
        interaction_metadata: { ...this.#metadata(handle), ...(pending ? { original_response_message_id: pending.message.id } : {}) } as APIMessageInteractionMetadata,
      };
      stored = this.options.messages.create({
        channelId,
        guildId,
        author: this.options.botUser,
        write,
        files,
        source: 'follow-up',
        type: this.#messageType(handle),
        interactionId: handle.id,
        canMentionEveryone: this.options.canMentionEveryone(guildId, channelId),
        extra,
      });
    }
    handle.record({ kind: 'follow-up', message: stored, ms: handle.elapsed() });
    return stored.message;
  }

  closeAll(reason: Error): void {
    for (const handle of this.#byId.values()) handle.close(reason);
  }

  #webhook(applicationId: string, token: string): InteractionHandle {
    const handle = this.#byToken.get(token);
    if (!handle || applicationId !== this.options.applicationId) throw apiErrors.unknownWebhook();
    return handle;
  }

  #checkCallbackType(handle: InteractionHandle, type: InteractionResponseType | undefined): void {
    const interactionType = handle.payload.type;
    const allowed: InteractionResponseType[] =
      interactionType === InteractionType.ApplicationCommandAutocomplete
        ? [InteractionResponseType.ApplicationCommandAutocompleteResult]
        : interactionType === InteractionType.MessageComponent
          ? [
              InteractionResponseType.ChannelMessageWithSource,
              InteractionResponseType.DeferredChannelMessageWithSource,
              InteractionResponseType.DeferredMessageUpdate,
              InteractionResponseType.UpdateMessage,
              InteractionResponseType.Modal,
              InteractionResponseType.PremiumRequired,
            ]
          : [
              InteractionResponseType.ChannelMessageWithSource,
              InteractionResponseType.DeferredChannelMessageWithSource,
              InteractionResponseType.Modal,
              InteractionResponseType.PremiumRequired,
            ];
    if (type === undefined || !allowed.includes(type)) {
      const errors = new FormErrors();
      errors.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', `Interaction response type ${String(type)} is not valid for interaction type ${interactionType}`);
      errors.throwIfAny();
    }
  }

  #createResponse(handle: InteractionHandle, write: MessageWrite, files: UploadedFile[], flags: number): StoredMessage {
    const channelId = handle.payload.channel?.id ?? '';
    const guildId = handle.payload.guild_id ?? null;
    return this.options.messages.create({
      channelId,
      guildId,
      author: this.options.botUser,
      write: { ...write, flags },
      files,
      source: 'interaction-response',
      type: this.#messageType(handle),
      interactionId: handle.id,
      canMentionEveryone: this.options.canMentionEveryone(guildId, channelId),
      extra: { ...this.#webhookFields(), interaction_metadata: this.#metadata(handle) },
    });
  }

  #messageType(handle: InteractionHandle): MessageType {
    return handle.payload.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default;
  }

  /** Interaction responses are sent through the application's webhook. */
  #webhookFields(): Partial<APIMessage> {
    return { webhook_id: this.options.applicationId, application_id: this.options.applicationId };
  }

  /** discord.js reads `user` and `authorizing_integration_owners` from it when building the Message. */
  #metadata(handle: InteractionHandle): APIMessageInteractionMetadata {
    const user = handle.payload.member?.user ?? handle.payload.user;
    const base = {
      id: handle.id,
      user: user as APIUser,
      authorizing_integration_owners: handle.payload.authorizing_integration_owners ?? { [ApplicationIntegrationType.GuildInstall]: handle.payload.guild_id ?? '0' },
    };
    if (handle.payload.type === InteractionType.MessageComponent && handle.componentMessage) {
      return { ...base, type: InteractionType.MessageComponent, interacted_message_id: handle.componentMessage.message.id };
    }
    return { ...base, type: InteractionType.ApplicationCommand };
  }
}

/** Whether applying `write` leaves a message with nothing to show (Discord answers 50006). */
function wouldBeEmpty(message: APIMessage, write: MessageWrite, files: UploadedFile[]): boolean {
  const content = write.content !== undefined ? write.content : message.content;
  const embeds = write.embeds !== undefined ? write.embeds : message.embeds;
  const components = write.components !== undefined ? write.components : message.components;
  const attachments = write.attachments !== undefined ? write.attachments : message.attachments;
  return !content && !embeds?.length && !components?.length && !attachments?.length && files.length === 0;
}
