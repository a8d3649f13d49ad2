/**
 * A fake Discord (REST + gateway on 127.0.0.1) for end-to-end tests of a discord.js bot.
 * See fakeDiscord.ts for the entry point and README.md for usage.
 */
export { FakeDiscord, startFakeDiscord } from './fakeDiscord.js';
export { InteractionHandle } from './interactions.js';
export type { FinalMessageOptions, RecordedCallback, RecordedEdit, RejectedRequest } from './interactions.js';
export { FakeGuild, ALL_PERMISSIONS, DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS } from './guilds.js';
export type { GatewaySession, ResumeResult } from './gateway.js';
export type { CommandOptionInput, CommandOptionsInput, OptionValue } from './payloads.js';
export { LIMITS } from './validation.js';
export { createSnowflake, snowflakeTimestamp, isSnowflake } from './snowflake.js';
export type * from './types.js';
