import type { Client } from 'discord.js';
import type { BotDeps } from '../types.js';

/** Logged once the gateway is ready (the engine was loaded before login). */
export function onReady(deps: BotDeps): (client: Client<true>) => void {
  return (client) => {
    deps.logger.info(
      {
        event: 'ready',
        user: client.user.tag,
        applicationId: client.application.id,
        guilds: client.guilds.cache.size,
        shards: client.shard?.ids ?? [0],
        documents: deps.engine.documents().length,
        qaChannels: deps.config.QA_CHANNEL_IDS.length,
      },
      `ready as ${client.user.tag}`,
    );
  };
}
