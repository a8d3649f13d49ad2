/** Durations and times as members read them. */

/** `7 s`, `3 min 20 s`, `5 h 12 min`: a wait, or a duration setting. */
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
