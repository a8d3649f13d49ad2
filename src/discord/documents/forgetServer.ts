/** Everything the bot keeps about a server, erased: on /forget-server, and when the bot leaves it. */
import type { BotContext } from '../types.js';

export async function forgetServer(ctx: BotContext, guildId: string, why: 'command' | 'left'): Promise<{ documents: number; questions: number }> {
  const documents = (await ctx.library?.removeGroup(guildId)) ?? 0;
  const questions = ctx.storage?.forgetGuild(guildId) ?? 0;
  ctx.logger.info({ event: 'server-forgotten', guildId, why, documents, questions }, 'server data erased');
  return { documents, questions };
}
