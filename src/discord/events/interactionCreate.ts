/**
 * The one dispatcher for interactions: finds the command or button handler, runs its
 * guards, runs it, and handles every failure in one place. One interaction failing never
 * affects another.
 */
import { type AutocompleteInteraction, type Interaction, type RepliableInteraction } from 'discord.js';
import { performance } from 'node:perf_hooks';
import { findCommand, readArgs } from '../commands/index.js';
import { componentHandlers, EXPIRED, type ComponentHandler } from '../components/index.js';
import { decodeCustomId, type CustomId } from '../components/customId.js';
import { failureMessage, newErrorId } from '../errors.js';
import { runGuards } from '../guards/index.js';
import { sendPrivately } from '../respond.js';
import type { BotContext } from '../types.js';
import { invocationOf } from './invocation.js';
import { scopedContext, type Place } from '../scopedEngine.js';
import { deferDelay, within, withInteractionDeadline, type LateAcknowledgement } from '../deadline.js';

/**
 * How long after an interaction's creation autocomplete waits for the server's documents to
 * load: Discord waits 3 s for choices; the rest is left for the reply's round trip.
 */
export const AUTOCOMPLETE_WAIT_MS = 2000;

/** Where an interaction happens; a thread's parent decides its documents. */
export function placeOf(interaction: Interaction): Place {
  const channel = interaction.channel;
  return { guildId: interaction.guildId, channelId: interaction.channelId, parentId: channel?.isThread() ? channel.parentId : null };
}

export function onInteraction(context: BotContext): (interaction: Interaction) => Promise<void> {
  return async (interaction) => {
    let deps = context;
    if (interaction.isAutocomplete()) {
      // Choices come from the documents of this server and channel only. Choices cannot be
      // deferred: when loading the documents outlasts AUTOCOMPLETE_WAIT_MS, none are offered
      // this time (Discord shows none rather than an error) and the load goes on, so the
      // next keystroke finds them.
      const scoped = await within(scopedContext(context, placeOf(interaction)).catch(() => context), deferDelay(interaction.createdTimestamp, AUTOCOMPLETE_WAIT_MS));
      if (!scoped) return void (await interaction.respond([]).catch(() => undefined));
      return autocomplete(interaction, scoped);
    }
    if (!interaction.isChatInputCommand() && !interaction.isButton()) return;
    const started = performance.now();
    const name = interaction.isChatInputCommand() ? interaction.commandName : interaction.customId;
    try {
      if (interaction.isChatInputCommand()) {
        const command = findCommand(interaction.commandName);
        if (!command) return await sendPrivately(interaction, 'I do not know this command any more. It will disappear once the commands are deployed again.');
        const args = readArgs(command.data, interaction);
        const reply = typeof command.reply === 'function' ? command.reply(args, interaction, context) : command.reply;
        deps = await scopedInTime(interaction, context, reply);
        const question = typeof (args as { question?: unknown }).question === 'string' ? (args as { question: string }).question : undefined;
        const refused = await runGuards(command.guards, invocationOf(interaction, 'command', command.data.name, question !== undefined ? { question } : {}), deps);
        if (refused) throw refused;
        await command.execute(interaction, args, deps);
      } else if (interaction.isButton()) {
        const id = decodeCustomId(interaction.customId);
        if (!id) return await sendPrivately(interaction, EXPIRED.answer);
        const handler = componentHandlers[id.kind] as ComponentHandler<CustomId['kind']>;
        deps = await scopedInTime(interaction, context, handler.reply);
        const refused = await runGuards(handler.guards, invocationOf(interaction, 'component', id.kind, 'userId' in id ? { buttonOwnerId: id.userId } : {}), deps);
        if (refused) throw refused;
        await handler.execute(interaction, id as never, deps);
      }
      deps.logger.debug({ interaction: name, ms: Math.round(performance.now() - started) }, 'interaction handled');
    } catch (error) {
      await reportFailure(interaction, error, deps, name);
    }
  };
}

/**
 * The context scoped to where the interaction happens, within Discord's deadline. Scoping
 * loads the server's document indexes, which can take seconds (the model's first use after
 * a restart, an index let go past DOCUMENT_INDEXES_LOADED or rebuilt after a model change),
 * and nothing may reply before it. So when it outlasts DEFER_AFTER_MS the dispatcher defers,
 * the way the handler will reply (`reply` on each command and button: a defer fixes whether
 * the reply is private, and a button that edits its own message needs a deferUpdate). Only
 * this step is covered, not the whole handler: until the handler runs nothing else can
 * acknowledge, so the defer can never race the handler's own reply. From there the handlers'
 * reply paths (respond.ts, withInteractionDeadline) find the interaction deferred and edit.
 * When the indexes are loaded already, scoping takes milliseconds and nothing is deferred.
 */
function scopedInTime(interaction: RepliableInteraction, context: BotContext, reply: LateAcknowledgement): Promise<BotContext> {
  return withInteractionDeadline(interaction, context.config.DEFER_AFTER_MS, reply, scopedContext(context, placeOf(interaction)));
}

/** Expected failures: the message, privately. Anything else: an apology with an error id that is also in the log. */
async function reportFailure(interaction: RepliableInteraction, error: unknown, deps: BotContext, name: string): Promise<void> {
  const fields = { interaction: name, guildId: interaction.guildId, channelId: interaction.channelId, userId: interaction.user.id };
  const content = failureMessage(error, deps.logger, fields);
  try {
    await sendPrivately(interaction, content);
  } catch (err) {
    // The interaction may have expired or been answered already: nothing left to tell the user.
    deps.logger.warn({ ...fields, err }, 'could not tell the user about a failure');
  }
}

async function autocomplete(interaction: AutocompleteInteraction, deps: BotContext): Promise<void> {
  try {
    await findCommand(interaction.commandName)?.autocomplete?.(interaction, deps);
  } catch (err) {
    deps.logger.error({ err, interaction: interaction.commandName, errorId: newErrorId() }, 'autocomplete failed');
  }
  if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
}
