/**
 * The /report chart: its data are the report's numbers (per day answered and refused, the
 * most cited sections), and it renders to a PNG of the promised size. The report's per-day
 * counts come from the question log.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CHART_SIZE, reportChartPng, reportChartSpec, reportChartSvg } from '../../src/discord/format/reportChart.js';
import { openStorage, type Report } from '../../src/storage/index.js';

const REPORT: Report = {
  guildId: '1',
  from: 0,
  to: 7 * 86_400_000,
  days: 7,
  total: 12,
  answered: 9,
  refused: 3,
  uniqueMembers: 4,
  averageLatencyMs: 3,
  mostAsked: [],
  unanswered: [],
  feedback: { up: 2, down: 1, ratio: 2 / 3 },
  bySection: [
    { section: '§1 Strategic Calculations', count: 6 },
    { section: '§3 Human Rights Concerns', count: 2 },
  ],
  byDay: [
    { day: '2026-11-24', answered: 4, refused: 1 },
    { day: '2026-11-26', answered: 5, refused: 2 },
  ],
};

type Layer = { data: { values: Array<Record<string, unknown>> } };

describe('the /report chart', () => {
  it('charts the report’s own numbers', () => {
    const spec = reportChartSpec(REPORT) as unknown as { vconcat: [Layer, Layer] };
    expect(spec.vconcat[0].data.values).toEqual([
      { day: '2026-11-24', outcome: 'answered', questions: 4 },
      { day: '2026-11-24', outcome: 'refused', questions: 1 },
      { day: '2026-11-26', outcome: 'answered', questions: 5 },
      { day: '2026-11-26', outcome: 'refused', questions: 2 },
    ]);
    expect(spec.vconcat[1].data.values).toEqual([
      { section: '§1 Strategic Calculations', citations: 6 },
      { section: '§3 Human Rights Concerns', citations: 2 },
    ]);
  });

  it('draws one bar per day and outcome, and one per section (in the SVG)', async () => {
    const svg = await reportChartSvg(REPORT);
    expect(svg.match(/role="graphics-symbol" aria-roledescription="bar"/g)).toHaveLength(4 + 2);
    expect(svg).toContain('2026-11-26');
    expect(svg).toContain('§3 Human Rights Concerns');
  });

  it('is a PNG of CHART_SIZE, and absent when nothing was asked', async () => {
    const png = (await reportChartPng(REPORT))!;
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', CHART_SIZE.width, CHART_SIZE.height]);
    expect(await reportChartPng({ ...REPORT, total: 0, answered: 0, refused: 0, byDay: [], bySection: [] })).toBeUndefined();
  });
});

describe('report.byDay', () => {
  it('counts answered and refused questions per UTC day of the window', () => {
    let now = Date.UTC(2026, 10, 26, 12);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-byday-'));
    const storage = openStorage(dir, { now: () => now });
    try {
      const log = (answered: boolean, at: number) => storage.recordQuestion({ guildId: '1', channelId: '2', userId: '3', question: 'q', answered, citedSections: [], latencyMs: 1, askedAt: at });
      log(true, Date.UTC(2026, 10, 24, 23, 59));
      log(false, Date.UTC(2026, 10, 24, 1));
      log(true, Date.UTC(2026, 10, 26, 0, 0));
      log(true, Date.UTC(2026, 10, 26, 11));
      now = Date.UTC(2026, 10, 26, 12);
      expect(storage.buildReport('1', { days: 7 }).byDay).toEqual([
        { day: '2026-11-24', answered: 1, refused: 1 },
        { day: '2026-11-26', answered: 2, refused: 0 },
      ]);
    } finally {
      storage.close();
    }
  });
});

describe('the charting libraries', () => {
  it('leave no global change behind (vega-lite’s Set.prototype.toJSON breaks discord.js)', async () => {
    await reportChartSvg(REPORT);
    expect(Object.prototype.hasOwnProperty.call(Set.prototype, 'toJSON')).toBe(false);
  });
});
