/**
 * "Nothing lost": a writer killed with SIGKILL in the middle of its work leaves a database
 * that opens, passes integrity_check, and holds every write the writer saw committed.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkIntegrity, openDatabase } from '../../src/storage/index.js';
import { open, tempDir } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/crashWriter.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Committed {
  /** iteration -> question id, for every iteration the child reported as committed. */
  ids: Map<number, number>;
  signal: NodeJS.Signals | null;
}

/** Runs the writer until it has reported `iterations` commits, then SIGKILLs it. */
function runAndKill(dataDir: string, round: number, iterations: number): Promise<Committed> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, String(round)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ids = new Map<number, number>();
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!; // a partial line is not a report
      for (const line of lines) {
        const [iteration, id] = line.split(' ').map(Number);
        ids.set(iteration!, id!);
      }
      if (ids.size >= iterations && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (code ${code}): ${stderr}`));
      else resolve({ ids, signal });
    });
  });
}

function verify(dataDir: string, round: number, committed: Committed): void {
  // The file opens through the normal path (quick_check, migrations) ...
  const storage = open(dataDir);
  const file = storage.file;
  storage.close();
  // ... and passes a full integrity check.
  const db = openDatabase(file);
  try {
    checkIntegrity(db, file, 'integrity_check');
    expect(db.pragma('foreign_key_check')).toEqual([]);

    const question = db.prepare<[number], { question: string }>('SELECT question FROM questions WHERE id = ?');
    const vote = db.prepare<[number], { vote: string }>("SELECT vote FROM feedback WHERE question_id = ? AND user_id = 'voter'");
    const quiz = db.prepare<[string], { correct: number }>(
      "SELECT correct FROM quiz_answers WHERE guild_id = 'g1' AND user_id = 'player' AND quiz_id = ?",
    );
    const missing: string[] = [];
    for (const [i, id] of committed.ids) {
      if (!question.get(id)?.question.startsWith(`crash round ${round} question ${i} `)) missing.push(`question ${i}`);
      if (vote.get(id)?.vote !== (i % 2 === 0 ? 'up' : 'down')) missing.push(`vote ${i}`);
      if (quiz.get(`round-${round}-quiz-${i}`)?.correct !== (i % 3 !== 0 ? 1 : 0)) missing.push(`quiz ${i}`);
    }
    expect(missing).toEqual([]);

    // The last settings update the writer reported is there (or a later one that committed
    // before the kill).
    const lastReported = Math.max(...committed.ids.keys());
    const settingsRow = db.prepare<[], { overrides: string }>("SELECT overrides FROM guild_settings WHERE guild_id = 'g1'").get();
    const cooldown = (JSON.parse(settingsRow!.overrides) as { cooldownSeconds: number }).cooldownSeconds;
    expect(cooldown).toBeGreaterThanOrEqual(Math.floor(lastReported / 10));
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  it('keeps every committed write when the writer is killed mid-write, twice in a row', async () => {
    const dataDir = tempDir();
    for (const [round, iterations] of [
      [1, 150 + Math.floor(Math.random() * 100)],
      [2, 150 + Math.floor(Math.random() * 100)],
    ] as const) {
      const committed = await runAndKill(dataDir, round, iterations);
      expect(committed.signal).toBe('SIGKILL');
      expect(committed.ids.size).toBeGreaterThanOrEqual(iterations);
      // The writer never closed the file: its log is still there and must be recovered.
      expect(statSync(`${dataDir}/verbatim.db-wal`).size).toBeGreaterThan(0);
      verify(dataDir, round, committed);
    }
    // Both rounds' rows are there together.
    const db = new Database(`${dataDir}/verbatim.db`, { readonly: true });
    const rounds = db
      .prepare<[], number>("SELECT count(DISTINCT substr(question, 1, 13)) FROM questions WHERE question LIKE 'crash round %'")
      .pluck()
      .get();
    db.close();
    expect(rounds).toBe(2);
  }, 60_000);
});
