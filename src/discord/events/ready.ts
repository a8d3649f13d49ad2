import type { Client } from 'discord.js';
import type { BotContext } from '../types.js';

/** Logged once the gateway is ready (the engine was loaded before login); then open quizzes are resumed. */
export function onReady(ctx: BotContext): (client: Client<true>) => void {
  return (client) => {
    ctx.logger.info(
      {
        event: 'ready',
        user: client.user.tag,
        applicationId: client.application.id,
        guilds: client.guilds.cache.size,
        shards: client.shard?.ids ?? [0],
        documents: ctx.engine.documents().length,
        qaChannels: ctx.config.QA_CHANNEL_IDS.length,
        storage: ctx.storage?.file ?? null,
      },
      `ready as ${client.user.tag}`,
    );
    void ctx.quizzes.resume();
  };
}
