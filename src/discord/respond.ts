/**
 * Sending to Discord. Every message goes through here, so every message carries
 * `allowedMentions: { parse: [] }` and replies respect the interaction's state
 * (replied, deferred, ephemeral).
 */
import {
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type AttachmentPayload,
  type MessageComponentInteraction,
  type RepliableInteraction,
} from 'discord.js';
import { NO_MENTIONS } from './constants.js';

export interface MessagePayload {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIButtonComponent>[];
  /** Attachments (the body becomes multipart). */
  files?: AttachmentPayload[];
}

/** Replies, or fills in the deferred reply. `ephemeral` only matters for a first reply (a defer fixed it otherwise). */
export async function send(interaction: RepliableInteraction, payload: MessagePayload, ephemeral: boolean): Promise<void> {
  if (interaction.deferred || interaction.replied) {
    await interaction.editReply({ content: null, embeds: [], components: [], ...payload, allowedMentions: NO_MENTIONS });
    return;
  }
  await interaction.reply({ ...payload, allowedMentions: NO_MENTIONS, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
}

/**
 * A button's new version of the message it sits on: an update, or (when the dispatcher
 * deferred the update while documents loaded) an edit of that message.
 */
export async function updateMessage(interaction: MessageComponentInteraction, payload: MessagePayload): Promise<void> {
  if (interaction.deferred) await interaction.editReply({ ...payload, allowedMentions: NO_MENTIONS });
  else await interaction.update({ ...payload, allowedMentions: NO_MENTIONS });
}

/**
 * Whether the interaction was acknowledged with deferUpdate: its "reply" is then the message
 * the button sits on, not a "thinking…" message. discord.js sets `ephemeral` on a reply and a
 * deferReply, never on a deferUpdate.
 */
const deferredUpdate = (interaction: RepliableInteraction): boolean => interaction.deferred && !interaction.replied && interaction.ephemeral === null;

/**
 * A message only the user sees, whatever state the interaction is in: a first reply, the
 * fill-in of a private defer, or (after a public defer, a deferred update or a reply) a
 * private follow-up.
 */
export async function sendPrivately(interaction: RepliableInteraction, content: string): Promise<void> {
  const payload = { content, embeds: [], components: [], allowedMentions: NO_MENTIONS };
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
  } else if (interaction.deferred && !interaction.replied && interaction.ephemeral) {
    await interaction.editReply(payload);
  } else {
    // A public "thinking…" must not turn into a public apology: remove it, then follow up
    // privately. After a deferred update the "reply" is the button's message: it stays.
    if (interaction.deferred && !interaction.replied && !deferredUpdate(interaction)) await interaction.deleteReply().catch(() => undefined);
    await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
  }
}
