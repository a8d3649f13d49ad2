/**
 * A server's settings as the bot applies them: from storage when there is one, else the
 * defaults. Reading settings never stops the bot: if storage fails, the failure is logged
 * and the defaults apply (answers everywhere, Manage Server moderates).
 */
import { resolveDefaults, type GuildSettings } from '../storage/index.js';
import type { Invocation } from './guards/index.js';
import type { BotDeps } from './types.js';
import type { ReplyVisibility } from './commands/types.js';

/** Defaults without storage, by MAX_QUESTION_LENGTH (the one default the environment sets). */
const envDefaults = new Map<number, Readonly<GuildSettings>>();

/** The defaults: storage's (which main.ts opens with the environment's MAX_QUESTION_LENGTH), or the same without storage. */
function defaultsFor(deps: BotDeps): GuildSettings {
  const max = deps.config.MAX_QUESTION_LENGTH;
  let defaults = deps.storage?.defaultSettings ?? envDefaults.get(max);
  if (!defaults) envDefaults.set(max, (defaults = resolveDefaults({ maxQuestionLength: max })));
  return { ...defaults, answerChannels: [...defaults.answerChannels] };
}

/** Settings already read for an invocation: its guards all consult them, and one read (a query and a validation) is enough. */
const byInvocation = new WeakMap<Invocation, GuildSettings>();

/** The settings of the server an invocation happens in, read once per invocation. */
export function invocationSettings(invocation: Invocation, deps: BotDeps): GuildSettings {
  let settings = byInvocation.get(invocation);
  if (!settings) byInvocation.set(invocation, (settings = guildSettings(deps, invocation.guildId)));
  return settings;
}

/** Who sees an answer (/ask, /summary): as the member asked with `private:`, else as the server chose. */
export function answerVisibility(deps: BotDeps, guildId: string | null, asked: boolean | undefined): ReplyVisibility {
  return (asked ?? guildSettings(deps, guildId).visibility === 'private') ? 'private' : 'public';
}

/** The `reply` of a command that answers (/ask, /summary): see answerVisibility. */
export const replyAsAnswer = ({ private: asked }: { private?: boolean }, interaction: { guildId: string | null }, ctx: BotDeps): ReplyVisibility =>
  answerVisibility(ctx, interaction.guildId, asked);

export function guildSettings(deps: BotDeps, guildId: string | null): GuildSettings {
  if (!guildId || !deps.storage) return defaultsFor(deps);
  try {
    return deps.storage.getSettings(guildId);
  } catch (err) {
    deps.logger.warn({ err, guildId }, 'could not read the server settings; using the defaults');
    return defaultsFor(deps);
  }
}
