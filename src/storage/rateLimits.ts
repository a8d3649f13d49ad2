/**
 * "May this member ask now?" as a pure function of when they asked. Because the inputs
 * come from stored rows (the `asks` table, see audit.ts), neither a restart nor /forget-me
 * resets anyone's cooldown or daily count.
 */

export const DAY_MS = 86_400_000;

export type RateLimitDecision =
  | { allowed: true }
  | {
      allowed: false;
      reason: 'cooldown' | 'daily-cap';
      /** Whole seconds until the member may ask again, at least 1 ("try again in N s"). */
      retryAfterSeconds: number;
    };

export interface RateLimitInput {
  /** Current time, ms since the epoch. */
  now: number;
  /** When the member last asked (ms), or null if never (within the rows kept). */
  lastAskedAt: number | null;
  /** How many questions the member asked since the start of the current UTC day. */
  askedToday: number;
  cooldownSeconds: number;
  /** `null`: no daily cap. */
  dailyCap: number | null;
}

/**
 * Start of the UTC day containing `now`. The daily cap resets at 00:00 UTC: one boundary
 * for every member whatever their time zone (Discord does not tell us theirs), and the
 * same in every process without any configuration.
 */
export function utcDayStart(now: number): number {
  return now - (((now % DAY_MS) + DAY_MS) % DAY_MS);
}

/**
 * The daily cap is checked first: when both apply it is the longer wait, and the one the
 * member needs to hear about.
 */
export function decideRateLimit(input: RateLimitInput): RateLimitDecision {
  const { now, lastAskedAt, askedToday, cooldownSeconds, dailyCap } = input;
  if (dailyCap !== null && askedToday >= dailyCap) {
    return { allowed: false, reason: 'daily-cap', retryAfterSeconds: secondsUntil(utcDayStart(now) + DAY_MS, now) };
  }
  if (lastAskedAt !== null && cooldownSeconds > 0) {
    const readyAt = lastAskedAt + cooldownSeconds * 1000;
    if (now < readyAt) return { allowed: false, reason: 'cooldown', retryAfterSeconds: secondsUntil(readyAt, now) };
  }
  return { allowed: true };
}

function secondsUntil(time: number, now: number): number {
  return Math.max(1, Math.ceil((time - now) / 1000));
}
