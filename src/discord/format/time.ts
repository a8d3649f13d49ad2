/** Durations and times as members read them. */

/** `7 s`, `3 min 20 s`, `5 h 12 min`: the wait before a member may ask again. */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return `${Math.floor(s / 60)} min${rest ? ` ${rest} s` : ''}`;
  }
  const minutes = Math.ceil((s % 3600) / 60);
  const hours = Math.floor(s / 3600) + (minutes === 60 ? 1 : 0);
  return `${hours} h${minutes && minutes !== 60 ? ` ${minutes} min` : ''}`;
}

/** A Discord timestamp tag (`<t:…:R>` shows "in 45 seconds" in each reader's language and zone). */
export function discordTime(ms: number, style: 'R' | 'f' | 'T' = 'R'): string {
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/** `30 s`, `2 min`, `1 min 30 s`: a setting in seconds. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const rest = seconds % 60;
  return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ''}`;
}
