/**
 * The bot's event loop stays free while the engine works (issue 11): with a slow document in
 * the corpus (6 MB, one line: a quiz or a summary of it takes seconds of computation), a
 * quiz and a summary of it run while other members ask questions, and every interaction is
 * acknowledged within Discord's deadline (the fake refuses a late one, as Discord does with
 * "10062 Unknown interaction") and answered. The engine runs in its own process, as `npm start` runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineClient } from '../../src/core/engineProcess.js';
import { DEFAULT_CORPUS_DIR } from '../../src/core/paths.js';
import { hostileDocuments } from '../fuzz/hostileDocuments.js';
import { startBot, type RunningBot } from './helpers.js';

let engine: EngineClient;
let run: RunningBot;

beforeAll(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-event-loop-'));
  const corpus = path.join(root, 'corpus');
  fs.cpSync(DEFAULT_CORPUS_DIR, corpus, { recursive: true });
  fs.writeFileSync(path.join(corpus, 'one-line.txt'), hostileDocuments()['one-line.txt']!);
  engine = await EngineClient.open({ corpus, indexDir: path.join(root, 'index') });
  // Discord's deadline: what counts is that the bot's thread is free to acknowledge in time.
  run = await startBot({ engine, dataDir: path.join(root, 'data'), env: { DEFER_AFTER_MS: '300' }, fake: { interactionAckTimeoutMs: 3000 } });
}, 300_000);
afterAll(async () => {
  await run?.stop();
  await engine?.close();
});

describe('a slow document in the corpus', () => {
  it('does not keep other members waiting past the deadline while it is quizzed and summarised', async () => {
    const slow = engine.documents().findIndex((d) => d.id === 'one-line.txt');
    const heavy = [
      run.discord.sendSlashCommand({ name: 'quiz', options: { section: `${slow}:0` }, user: { username: 'quizzer' } }),
      run.discord.sendSlashCommand({ name: 'summary', options: { section: `${slow}:0`, length: 20 }, user: { username: 'summariser' } }),
    ];
    const asks = [];
    for (let i = 0; i < 6; i++) {
      asks.push(run.discord.sendSlashCommand({ name: 'ask', options: { question: 'Why did Russia recognize the Taliban?' }, user: { username: `asker-${i}` } }));
      await new Promise((r) => setTimeout(r, 100));
    }
    // finalMessage rejects when the fake refused a response (a late acknowledgement included).
    const answers = await Promise.all(asks.map((a) => a.finalMessage({ timeoutMs: 60_000 })));
    for (const answer of answers) expect(JSON.stringify(answer.embeds)).toContain('Taliban');
    // The quiz may be refused privately (the slow document's words make no good question): answered either way.
    for (const h of heavy) await h.finalMessage({ timeoutMs: 60_000 }).catch(() => h.followUp(0, 60_000));
    for (const h of [...heavy, ...asks]) expect(h.rejected).toEqual([]);
  }, 180_000);
});
