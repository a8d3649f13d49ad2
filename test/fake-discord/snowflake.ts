/**
 * Realistic Discord snowflakes.
 *
 * discord.js does not validate ids, but it converts them: `new Message()` calls
 * `DiscordSnowflake.timestampFrom(id)` (a `BigInt(id)`) in its constructor, roles are
 * sorted with `BigInt(id)`, and permissions go through `BigInt(...)`. A non-numeric id such
 * as `'msg-1'` therefore throws inside discord.js (often inside an event handler, where
 * the error is swallowed and the event silently never reaches the bot). Every id the fake
 * invents is a real snowflake: timestamp since the Discord epoch, worker, process, increment.
 */

/** 2015-01-01T00:00:00.000Z, the Discord epoch. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

let increment = 0n;

/** A new snowflake for "now", unique within this process. */
export function createSnowflake(timestamp: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  const workerId = 1n;
  const processId = BigInt(process.pid & 0x1f);
  return (
    ((BigInt(timestamp) - DISCORD_EPOCH) << 22n) |
    (workerId << 17n) |
    (processId << 12n) |
    increment
  ).toString();
}

/** Milliseconds since the Unix epoch at which a snowflake was created. */
export function snowflakeTimestamp(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** True when `id` is a decimal string that discord.js can turn into a BigInt. */
export function isSnowflake(id: unknown): id is string {
  return typeof id === 'string' && /^\d{1,20}$/.test(id);
}
