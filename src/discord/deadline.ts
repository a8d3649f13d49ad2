/**
 * Discord's 3-second deadline: an interaction must be acknowledged within 3 s of its
 * creation. The answer usually takes a few milliseconds, so the bot replies directly; when
 * it is not ready after DEFER_AFTER_MS (counted from the interaction's creation, so time
 * spent queued behind other work counts too), the bot defers ("thinking…") and edits the
 * reply when the answer arrives.
 */
import { MessageFlags, type RepliableInteraction } from 'discord.js';

/**
 * How an interaction is acknowledged when its reply is late. A defer fixes what follows, so it
 * must match the reply to come: a private or a public "thinking…" for a new message, or
 * (a button that edits the message it sits on) a silent deferUpdate, after which the message
 * is edited with editReply.
 */
export type LateAcknowledgement = 'private' | 'public' | 'update';

/** `work`'s value, or null when it has not settled after `ms` (it goes on regardless). Rejections are passed on. */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(resolve, ms, null)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits for `work`; if it has not settled after `waitMs`, runs `onSlow` (a defer, or a
 * typing indicator) before waiting for the rest. Rejections of `work` are passed on.
 */
export async function withDeadline<T>(work: Promise<T>, waitMs: number, onSlow: () => Promise<unknown>): Promise<T> {
  // Attached at once so a rejection while `onSlow` runs is never reported as unhandled.
  const settled = work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const outcome = (await within(settled, waitMs)) ?? (await onSlow(), await settled);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/**
 * `work` for an interaction within Discord's deadline: when it is slow, the interaction is
 * acknowledged as `how` says and the reply filled in later. An interaction acknowledged
 * already (the dispatcher deferred while the server's documents loaded) is not deferred
 * again: Discord takes one acknowledgement.
 */
export function withInteractionDeadline<T>(interaction: RepliableInteraction, deferAfterMs: number, how: LateAcknowledgement, work: Promise<T>): Promise<T> {
  if (interaction.deferred || interaction.replied) return work;
  return withDeadline(work, deferDelay(interaction.createdTimestamp, deferAfterMs), () => acknowledgeLate(interaction, how));
}

/** The defer for `how`; only a button's interaction can defer an update of its message. */
function acknowledgeLate(interaction: RepliableInteraction, how: LateAcknowledgement): Promise<unknown> {
  if (how === 'update' && interaction.isMessageComponent()) return interaction.deferUpdate();
  return interaction.deferReply(how === 'private' ? { flags: MessageFlags.Ephemeral } : {});
}

/**
 * How long to wait before deferring: `deferAfterMs` after the interaction was created,
 * never more than `deferAfterMs` from now (a clock behind Discord's) nor less than 0.
 */
export function deferDelay(createdTimestamp: number, deferAfterMs: number, now = Date.now()): number {
  return Math.min(deferAfterMs, Math.max(0, createdTimestamp + deferAfterMs - now));
}
