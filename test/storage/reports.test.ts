import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvSafe, type QuestionRecord } from '../../src/storage/index.js';
import { DAY, HOUR, fakeClock, open, tempDir } from './helpers.js';

const NOW = Date.UTC(2025, 2, 10, 12, 0, 0);

/** A small server history, in the order it happened. */
function fixture() {
  const storage = open(tempDir(), { now: () => NOW });
  const ask = (age: number, userId: string, question: string, citedSections: string[], latencyMs: number, guildId = 'g1') =>
    storage.recordQuestion({
      guildId,
      channelId: 'c1',
      userId,
      question,
      answered: citedSections.length > 0,
      citedSections,
      latencyMs,
      askedAt: NOW - age,
    } satisfies QuestionRecord);
  const q6 = ask(10 * DAY, 'u4', 'What is the quorum?', ['2 Meetings'], 90); // outside a 7-day window
  const q5 = ask(6 * DAY, 'u3', 'Who chairs meetings?', ['4 Officers'], 80);
  ask(4 * DAY, 'u2', 'Is there a fee?', [], 60);
  ask(3 * DAY, 'u1', 'How do I appeal?', [], 50);
  const q2 = ask(2 * DAY, 'u2', 'what is the quorum', ['2 Meetings', '3 Voting'], 200);
  const q1 = ask(1 * DAY, 'u1', 'What is the quorum?', ['2 Meetings'], 100);
  ask(1 * HOUR, 'u3', 'how do I appeal', [], 70);
  ask(1 * HOUR, 'u9', 'Another server entirely?', [], 10, 'g2');
  storage.recordFeedback(q1, 'u2', 'up');
  storage.recordFeedback(q1, 'u3', 'up');
  storage.recordFeedback(q2, 'u1', 'down');
  storage.recordFeedback(q5, 'u1', 'up');
  storage.recordFeedback(q5, 'u1', 'down'); // changed their mind
  storage.recordFeedback(q5, 'u2', 'up');
  storage.recordFeedback(q6, 'u1', 'down'); // outside the window
  return storage;
}

describe('buildReport', () => {
  it('gives exact numbers for the last 7 days', () => {
    const report = fixture().buildReport('g1', { days: 7 });
    expect(report).toEqual({
      guildId: 'g1',
      from: NOW - 7 * DAY,
      to: NOW,
      days: 7,
      total: 6,
      answered: 3,
      refused: 3,
      uniqueMembers: 3,
      averageLatencyMs: 93, // (80 + 60 + 50 + 200 + 100 + 70) / 6
      mostAsked: [
        { question: 'how do I appeal', normalized: 'how do i appeal', count: 2, lastAskedAt: NOW - HOUR },
        { question: 'What is the quorum?', normalized: 'what is the quorum', count: 2, lastAskedAt: NOW - DAY },
        { question: 'Is there a fee?', normalized: 'is there a fee', count: 1, lastAskedAt: NOW - 4 * DAY },
        { question: 'Who chairs meetings?', normalized: 'who chairs meetings', count: 1, lastAskedAt: NOW - 6 * DAY },
      ],
      unanswered: [
        { question: 'how do I appeal', normalized: 'how do i appeal', count: 2, lastAskedAt: NOW - HOUR },
        { question: 'Is there a fee?', normalized: 'is there a fee', count: 1, lastAskedAt: NOW - 4 * DAY },
      ],
      feedback: { up: 3, down: 2, ratio: 0.6 },
      bySection: [
        { section: '2 Meetings', count: 2 },
        { section: '3 Voting', count: 1 },
        { section: '4 Officers', count: 1 },
      ],
      byDay: expect.any(Array),
    });
    // Per day, the same questions: every one counted once, on its day, oldest day first.
    expect(report.byDay.reduce((n, d) => n + d.answered, 0)).toBe(3);
    expect(report.byDay.reduce((n, d) => n + d.refused, 0)).toBe(3);
    expect(report.byDay.map((d) => d.day)).toEqual([...report.byDay.map((d) => d.day)].sort());
  });

  it('widens with days, honours limit, and defaults to 7 days', () => {
    const storage = fixture();
    const month = storage.buildReport('g1', { days: 30, limit: 1 });
    expect(month).toMatchObject({ total: 7, uniqueMembers: 4, feedback: { up: 3, down: 3, ratio: 0.5 } });
    expect(month.mostAsked).toEqual([
      { question: 'What is the quorum?', normalized: 'what is the quorum', count: 3, lastAskedAt: NOW - DAY },
    ]);
    expect(month.bySection).toEqual([{ section: '2 Meetings', count: 3 }]);
    expect(storage.buildReport('g1').total).toBe(6);
    expect(() => storage.buildReport('g1', { days: 0 })).toThrow(RangeError);
  });

  it('reports an empty server without dividing by zero', () => {
    const report = open(tempDir(), { now: fakeClock().now }).buildReport('nobody');
    expect(report).toMatchObject({
      total: 0,
      answered: 0,
      refused: 0,
      uniqueMembers: 0,
      averageLatencyMs: null,
      mostAsked: [],
      unanswered: [],
      feedback: { up: 0, down: 0, ratio: null },
      bySection: [],
    });
  });
});

describe('reportCsv', () => {
  const BOM = '\uFEFF';

  it('starts with a header row and has one row per question in the window', () => {
    const csv = fixture().reportCsv('g1', { days: 7 });
    const lines = csv.split('\n');
    expect(lines[0]).toBe(`${BOM}${CSV_COLUMNS.join(',')}`);
    expect(lines[0]).toBe(`${BOM}id,asked_at,channel_id,user_id,question,outcome,cited_sections,latency_ms,feedback_up,feedback_down`);
    expect(lines.slice(1)).toEqual([
      '2,2025-03-04T12:00:00.000Z,c1,u3,Who chairs meetings?,answered,4 Officers,80,1,1',
      '3,2025-03-06T12:00:00.000Z,c1,u2,Is there a fee?,refused,,60,0,0',
      '4,2025-03-07T12:00:00.000Z,c1,u1,How do I appeal?,refused,,50,0,0',
      '5,2025-03-08T12:00:00.000Z,c1,u2,what is the quorum,answered,2 Meetings; 3 Voting,200,0,1',
      '6,2025-03-09T12:00:00.000Z,c1,u1,What is the quorum?,answered,2 Meetings,100,2,0',
      '7,2025-03-10T11:00:00.000Z,c1,u3,how do I appeal,refused,,70,0,0',
      '',
    ]);
  });

  it('quotes commas, quotes and newlines, and defuses formulas', () => {
    const storage = open(tempDir(), { now: () => NOW });
    const questions = [
      'Hello, "world"\nsecond line',
      '=HYPERLINK("http://evil.example","click")',
      '+1',
      '-2+3',
      '@SUM(A1:A9)',
      '\t=1+1',
      'plain = fine',
    ];
    for (const question of questions) {
      storage.recordQuestion({
        guildId: 'g1',
        channelId: 'c1',
        userId: 'u1',
        question,
        answered: true,
        citedSections: ['=cmd|" /C calc"!A0', '1 Intro'],
        latencyMs: 1,
        askedAt: NOW,
      });
    }
    const body = storage.reportCsv('g1').split('\n').slice(1).join('\n');
    const sections = `"'=cmd|"" /C calc""!A0; 1 Intro"`;
    expect(body).toBe(
      [
        `1,2025-03-10T12:00:00.000Z,c1,u1,"Hello, ""world""\nsecond line",answered,${sections},1,0,0`,
        `2,2025-03-10T12:00:00.000Z,c1,u1,"'=HYPERLINK(""http://evil.example"",""click"")",answered,${sections},1,0,0`,
        `3,2025-03-10T12:00:00.000Z,c1,u1,'+1,answered,${sections},1,0,0`,
        `4,2025-03-10T12:00:00.000Z,c1,u1,'-2+3,answered,${sections},1,0,0`,
        `5,2025-03-10T12:00:00.000Z,c1,u1,'@SUM(A1:A9),answered,${sections},1,0,0`,
        `6,2025-03-10T12:00:00.000Z,c1,u1,'\t=1+1,answered,${sections},1,0,0`,
        `7,2025-03-10T12:00:00.000Z,c1,u1,plain = fine,answered,${sections},1,0,0`,
        '',
      ].join('\n'),
    );
  });

  it('is just the header for an empty window', () => {
    const storage = open(tempDir(), { now: () => NOW });
    expect(storage.reportCsv('g1')).toBe(`${BOM}${CSV_COLUMNS.join(',')}\n`);
  });

  it('csvSafe prefixes only dangerous first characters', () => {
    expect(['=1', '+1', '-1', '@a', '\t=1', '\r=1', 'a=1', '', ' =1'].map(csvSafe)).toEqual([
      "'=1",
      "'+1",
      "'-1",
      "'@a",
      "'\t=1",
      "'\r=1",
      'a=1',
      '',
      ' =1',
    ]);
  });
});
