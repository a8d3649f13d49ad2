/**
 * How many of a summary's sentences each section gets: in proportion to its length, by the
 * largest-remainder (Hamilton) method, never more than the section has to offer.
 */

/**
 * `lengths[i]` is section i's length, `caps[i]` how many sentences it can give. Each section
 * first gets the whole part of its quota `total * length / sum`, then the seats left go to the
 * largest remainders (ties to the earlier section). Seats a capped section cannot take go to
 * the others the same way. Returns counts summing to min(total, sum of caps).
 */
export function allocateSentences(lengths: readonly number[], caps: readonly number[], total: number): number[] {
  const sum = lengths.reduce((a, b) => a + b, 0);
  const counts = lengths.map(() => 0);
  if (sum <= 0 || total <= 0) return counts;
  const quotas = lengths.map((l) => (total * l) / sum);
  quotas.forEach((q, i) => (counts[i] = Math.min(Math.floor(q), caps[i]!)));
  let left = Math.min(total, caps.reduce((a, b) => a + b, 0)) - counts.reduce((a, b) => a + b, 0);
  while (left > 0) {
    let best = -1;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i]! >= caps[i]!) continue;
      if (best < 0 || quotas[i]! - counts[i]! > quotas[best]! - counts[best]!) best = i;
    }
    counts[best]!++;
    left--;
  }
  return counts;
}
