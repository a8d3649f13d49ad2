/**
 * Every message the fake knows: what the bot sent (channel messages, interaction
 * responses, follow-ups) and what simulated users sent. One store, so any message can be
 * fetched, edited, replied to or have its buttons clicked, whichever route created it.
 *
 * Mentions are resolved the way Discord does it: from `<@id>`, `<@&id>` and `@everyone`
 * in the content, filtered by `allowed_mentions` (absent = parse everything). The
 * resulting `mentions` / `mention_roles` / `mention_everyone` say who would actually have
 * been pinged, which is what a quoting bot must get right.
 */
import {
  MessageFlags,
  MessageReferenceType,
  MessageType,
  type APIAllowedMentions,
  type APIAttachment,
  type APIEmbed,
  type APIMessage,
  type APIMessageTopLevelComponent,
  type APIUser,
} from 'discord-api-types/v10';
import { Recorder } from './recorder.js';
import { createSnowflake } from './snowflake.js';
import type { StoredMessage, UploadedFile, VisibleMessage } from './types.js';

/** The message fields of a create/edit body (channel message, webhook, interaction callback data). */
export interface MessageWrite {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  components?: APIMessageTopLevelComponent[] | null;
  allowed_mentions?: APIAllowedMentions | null;
  flags?: number | null;
  attachments?: { id: string | number; filename?: string; description?: string }[] | null;
  message_reference?: { message_id?: string; channel_id?: string; guild_id?: string; fail_if_not_exists?: boolean } | null;
  sticker_ids?: string[] | null;
  poll?: unknown;
  tts?: boolean | null;
}

/** How the store resolves ids in content to users and roles. */
export interface MentionLookup {
  user(id: string, guildId: string | null): APIUser | undefined;
  hasRole(id: string, guildId: string | null): boolean;
}

export interface CreateMessage {
  channelId: string;
  guildId: string | null;
  author: APIUser;
  write: MessageWrite;
  files: UploadedFile[];
  source: StoredMessage['source'];
  type: MessageType;
  interactionId?: string | null;
  /** Whether the sender may ping @everyone/@here (MentionEveryone permission). */
  canMentionEveryone: boolean;
  /** Extra fields, e.g. `webhook_id`, `application_id`, `interaction_metadata`. */
  extra?: Partial<APIMessage>;
  /** For simulated users (no allowed_mentions): whether a reply pings the replied-to author. Default true. */
  pingRepliedUser?: boolean;
  /** Keep the content exactly as given, with these explicit mentions (simulated user messages). */
  mentionsOverride?: APIUser[];
}

export class MessageStore {
  readonly #messages = new Map<string, StoredMessage>();
  /** Every create, in order: what `sendMessage` and tests wait on. */
  readonly created = new Recorder<StoredMessage>('messages created');
  /** Uploaded files by attachment id, served at the attachments' `url`. */
  readonly attachmentFiles = new Map<string, UploadedFile>();

  constructor(
    private readonly lookup: MentionLookup,
    private readonly attachmentUrl: (channelId: string, attachmentId: string, filename: string) => string,
    private readonly clock: () => number,
  ) {}

  get all(): StoredMessage[] {
    return [...this.#messages.values()];
  }

  get(id: string): StoredMessage | undefined {
    return this.#messages.get(id);
  }

  create(input: CreateMessage): StoredMessage {
    const { write } = input;
    const id = createSnowflake();
    const referenced = write.message_reference?.message_id ? this.#messages.get(write.message_reference.message_id) : undefined;
    const message: APIMessage = {
      id,
      channel_id: input.channelId,
      author: input.author,
      content: write.content ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: write.tts ?? false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: this.#attachments([], write, input.files, input.channelId),
      embeds: normalizeEmbeds(write.embeds ?? []),
      components: write.components ?? [],
      pinned: false,
      type: referenced && input.type === MessageType.Default ? MessageType.Reply : input.type,
      flags: write.flags ?? 0,
      ...input.extra,
    };
    if (referenced) {
      message.message_reference = {
        type: MessageReferenceType.Default,
        message_id: referenced.message.id,
        channel_id: referenced.message.channel_id,
        ...(input.guildId ? { guild_id: input.guildId } : {}),
      };
      message.referenced_message = referenced.message;
    }
    const pingReplied = input.pingRepliedUser ?? write.allowed_mentions?.replied_user !== false;
    const replied = referenced && pingReplied ? referenced.message.author : undefined;
    if (input.mentionsOverride) message.mentions = [...input.mentionsOverride, ...(replied ? [replied] : [])];
    else this.#resolveMentions(message, write.allowed_mentions ?? undefined, input.guildId, input.canMentionEveryone, replied);

    const stored: StoredMessage = {
      message,
      source: input.source,
      allowedMentions: write.allowed_mentions ?? undefined,
      files: [...input.files],
      guildId: input.guildId,
      interactionId: input.interactionId ?? null,
      deleted: false,
      at: this.clock(),
    };
    this.#messages.set(id, stored);
    this.created.push(stored);
    return stored;
  }

  /**
   * Applies an edit: fields present in the body replace the old ones, absent fields stay
   * (Discord's PATCH semantics). `null` clears a field.
   */
  edit(stored: StoredMessage, write: MessageWrite, files: UploadedFile[], canMentionEveryone: boolean): void {
    const message = stored.message;
    if (write.content !== undefined) message.content = write.content ?? '';
    if (write.embeds !== undefined) message.embeds = normalizeEmbeds(write.embeds ?? []);
    if (write.components !== undefined) message.components = write.components ?? [];
    if (write.flags !== undefined && write.flags !== null) {
      // Only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 can change on edit; Ephemeral is fixed at creation.
      const editable = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;
      message.flags = ((message.flags ?? 0) & ~editable) | (write.flags & editable);
    }
    message.flags = (message.flags ?? 0) & ~MessageFlags.Loading;
    message.attachments = this.#attachments(message.attachments, write, files, message.channel_id);
    message.edited_timestamp = new Date().toISOString();
    if (write.allowed_mentions !== undefined) stored.allowedMentions = write.allowed_mentions ?? undefined;
    stored.files.push(...files);
    this.#resolveMentions(message, stored.allowedMentions, stored.guildId, canMentionEveryone, undefined);
  }

  /** Deleted messages stay in the store (tests can still inspect them) but are gone for the bot. */
  delete(stored: StoredMessage): void {
    stored.deleted = true;
  }

  /** A file a user uploads (for a command's attachment option), served like any attachment. */
  upload(channelId: string, file: UploadedFile): APIAttachment {
    const id = createSnowflake();
    const url = this.attachmentUrl(channelId, id, file.name);
    this.attachmentFiles.set(id, file);
    return { id, filename: file.name, size: file.size, url, proxy_url: url, content_type: file.contentType, ephemeral: true };
  }

  #attachments(existing: APIAttachment[], write: MessageWrite, files: UploadedFile[], channelId: string): APIAttachment[] {
    // `attachments` in a body lists what to keep (by id) and describes new uploads
    // (by index into files[n]); without it, edits keep the old ones and add the new.
    const listed = write.attachments ?? undefined;
    const kept = listed ? existing.filter((a) => listed.some((l) => String(l.id) === a.id)) : existing;
    const added = files.map((file, index): APIAttachment => {
      const described = listed?.find((l) => String(l.id) === String(index));
      const id = createSnowflake();
      const filename = described?.filename ?? file.name;
      const url = this.attachmentUrl(channelId, id, filename);
      this.attachmentFiles.set(id, file);
      return {
        id,
        filename,
        size: file.size,
        url,
        proxy_url: url,
        content_type: file.contentType,
        ...(described?.description ? { description: described.description } : {}),
      };
    });
    return [...kept, ...added];
  }

  #resolveMentions(
    message: APIMessage,
    allowed: APIAllowedMentions | undefined,
    guildId: string | null,
    canMentionEveryone: boolean,
    repliedUser: APIUser | undefined,
  ): void {
    const parse = new Set<string>(allowed?.parse ?? (allowed ? [] : ['users', 'roles', 'everyone']));
    const allowedUsers = new Set(allowed?.users ?? []);
    const allowedRoles = new Set(allowed?.roles ?? []);
    const content = message.content;

    const users = new Map<string, APIUser>();
    for (const [, id] of content.matchAll(/<@!?(\d{15,20})>/g)) {
      if (!id || !(parse.has('users') || allowedUsers.has(id))) continue;
      const user = this.lookup.user(id, guildId);
      if (user) users.set(id, user);
    }
    if (repliedUser) users.set(repliedUser.id, repliedUser);
    message.mentions = [...users.values()];

    message.mention_roles = [...content.matchAll(/<@&(\d{15,20})>/g)]
      .map(([, id]) => id ?? '')
      .filter((id) => (parse.has('roles') || allowedRoles.has(id)) && this.lookup.hasRole(id, guildId));
    message.mention_everyone = canMentionEveryone && parse.has('everyone') && /@(everyone|here)/.test(content);
  }
}

/** Discord fills `type: 'rich'` into embeds it stores. */
function normalizeEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  return embeds.map((embed) => ({ type: 'rich' as APIEmbed['type'], ...embed }));
}

/** A copy of a stored message's visible state, detached from later edits. */
export function toVisible(stored: StoredMessage): VisibleMessage {
  return {
    ...structuredClone(stored.message),
    allowed_mentions: stored.allowedMentions && structuredClone(stored.allowedMentions),
    files: [...stored.files],
  };
}

/** The component with `customId` (used for component_type in a click). */
export function findComponent(message: APIMessage, customId: string): { type: number } | undefined {
  let found: { type: number } | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.custom_id === customId && typeof record.type === 'number') found = { type: record.type };
    if (Array.isArray(record.components)) record.components.forEach(walk);
    if (record.accessory) walk(record.accessory);
  };
  (message.components ?? []).forEach(walk);
  return found;
}
