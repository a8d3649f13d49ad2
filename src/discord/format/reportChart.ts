/**
 * The picture attached to /report: questions per day (answered and refused, stacked) and the
 * most cited sections. Drawn with Vega-Lite, rendered to SVG headlessly by Vega (no browser,
 * no canvas) and converted to PNG by sharp, because Discord shows PNG attachments inline.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Report } from '../../storage/index.js';

/** The PNG's size in pixels: wide enough to read in Discord's inline preview. */
export const CHART_SIZE = { width: 1200, height: 800 } as const;
export const CHART_FILE = 'report.png';
/** Section titles are cut to this many characters on the chart's axis. */
const LABEL_CHARS = 48;

/** Colours from the bot's embeds: answered in the answer colour, refused in the refusal grey. */
const ANSWERED = '#5865f2';
const REFUSED = '#99aab5';

/** The chart's Vega-Lite specification; its data are the report's own numbers. */
export function reportChartSpec(report: Report): TopLevelSpec {
  const days = report.byDay.flatMap((d) => [
    { day: d.day, outcome: 'answered', questions: d.answered },
    { day: d.day, outcome: 'refused', questions: d.refused },
  ]);
  const sections = report.bySection.map((s) => ({ section: s.section.length > LABEL_CHARS ? `${s.section.slice(0, LABEL_CHARS - 1)}…` : s.section, citations: s.count }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    padding: 16,
    config: { font: 'DejaVu Sans, sans-serif', view: { stroke: null }, axis: { labelFontSize: 14, titleFontSize: 14 }, legend: { labelFontSize: 14 }, title: { fontSize: 18, anchor: 'start' } },
    vconcat: [
      {
        title: `Questions per day (last ${report.days} days): ${report.answered} answered, ${report.refused} not covered`,
        width: 640,
        height: 260,
        data: { values: days },
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'day', type: 'ordinal', title: null, axis: { labelAngle: -40 } },
          y: { field: 'questions', type: 'quantitative', title: 'questions', axis: { tickMinStep: 1 } },
          color: { field: 'outcome', type: 'nominal', title: null, scale: { domain: ['answered', 'refused'], range: [ANSWERED, REFUSED] }, legend: { orient: 'top' } },
          order: { field: 'outcome', sort: 'ascending' },
        },
      },
      {
        title: 'Most cited sections',
        width: 640,
        height: { step: 30 },
        data: { values: sections },
        mark: { type: 'bar', color: ANSWERED },
        encoding: {
          y: { field: 'section', type: 'nominal', title: null, sort: '-x', axis: { labelLimit: 300 } },
          x: { field: 'citations', type: 'quantitative', title: 'citations', axis: { tickMinStep: 1 } },
        },
      },
    ],
  };
}

/**
 * The charting libraries, loaded on the first /report rather than at start-up. Importing
 * vega-lite defines `Set.prototype.toJSON` (for its own debugging output); that global
 * change breaks the util.inspect copy inside discord.js's event emitter, so it is undone.
 */
async function chartLibraries() {
  const hadToJSON = Object.prototype.hasOwnProperty.call(Set.prototype, 'toJSON');
  const [vega, vegaLite, sharp] = await Promise.all([import('vega'), import('vega-lite'), import('sharp')]);
  if (!hadToJSON) delete (Set.prototype as { toJSON?: unknown }).toJSON;
  return { vega, vegaLite, sharp: sharp.default };
}

/** The chart as SVG text. */
export async function reportChartSvg(report: Report): Promise<string> {
  const { vega, vegaLite } = await chartLibraries();
  const view = new vega.View(vega.parse(vegaLite.compile(reportChartSpec(report)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart as a PNG of CHART_SIZE, or undefined when the window has no question to chart. */
export async function reportChartPng(report: Report): Promise<Buffer | undefined> {
  if (report.total === 0) return undefined;
  const svg = await reportChartSvg(report);
  const { sharp } = await chartLibraries();
  return sharp(Buffer.from(svg), { density: 144 })
    .resize(CHART_SIZE.width, CHART_SIZE.height, { fit: 'contain', background: '#ffffff' })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
}
