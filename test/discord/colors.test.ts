/**
 * Embed borders must show in Discord's dark and light themes alike. Contrast is WCAG's
 * ratio of relative luminances; 2:1 is where a coloured bar against a background stops
 * being easy to miss (Discord's own blurple on the dark theme is about 2.8:1).
 */
import { describe, expect, it } from 'vitest';
import { COLORS } from '../../src/discord/constants.js';

/** Discord's embed and message backgrounds, dark and light themes. */
const BACKGROUNDS = { darkEmbed: 0x2b2d31, darkMessage: 0x313338, lightEmbed: 0xf2f3f5, lightMessage: 0xffffff };

function luminance(rgb: number): number {
  const channel = (shift: number) => {
    const c = ((rgb >> shift) & 0xff) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
}

function contrast(a: number, b: number): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('embed colours', () => {
  it('computes contrast as WCAG does', () => {
    expect(contrast(0x000000, 0xffffff)).toBeCloseTo(21, 5);
    expect(contrast(0x2b2d31, 0x2b2d31)).toBe(1);
  });

  it.each(Object.entries(COLORS))('%s stands out from every theme background', (_name, color) => {
    for (const [background, rgb] of Object.entries(BACKGROUNDS)) {
      expect(contrast(color, rgb), `${color.toString(16)} on ${background}`).toBeGreaterThanOrEqual(2);
    }
  });
});
