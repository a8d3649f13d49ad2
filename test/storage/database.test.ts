import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ID, MIGRATIONS } from '../../src/storage/migrations.js';
import {
  DATABASE_FILE_NAME,
  SCHEMA_VERSION,
  STORAGE_EXIT_CODE,
  StorageError,
  checkIntegrity,
  openDatabase,
} from '../../src/storage/index.js';
import { open, tempDir } from './helpers.js';

/** Runs `action`, expecting a StorageError; returns it. */
function storageError(action: () => unknown): StorageError {
  try {
    action();
  } catch (err) {
    expect(err).toBeInstanceOf(StorageError);
    return err as StorageError;
  }
  throw new Error('expected a StorageError, nothing was thrown');
}

const TABLES = ['asks', 'feedback', 'guild_settings', 'questions', 'quiz_answers', 'quizzes'];

function tables(db: Database.Database): string[] {
  return db
    .prepare<[], string>(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
    .pluck()
    .all();
}

describe('openDatabase', () => {
  it('creates the folder and the file, and configures WAL, FULL sync and foreign keys', () => {
    const file = join(tempDir(), 'nested', 'deeper', DATABASE_FILE_NAME);
    const db = openDatabase(file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(tables(db)).toEqual(TABLES);
      checkIntegrity(db);
    } finally {
      db.close();
    }
  });

  it('migrates an existing empty file', () => {
    const file = join(tempDir(), DATABASE_FILE_NAME);
    writeFileSync(file, '');
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(tables(db)).toEqual(TABLES);
    db.close();
  });

  it('migrates a version-2 file, carrying its last two days of questions over into the rows rate limits count', () => {
    const file = join(tempDir(), DATABASE_FILE_NAME);
    const old = new Database(file);
    old.pragma(`application_id = ${APPLICATION_ID}`);
    for (const sql of MIGRATIONS.slice(0, 2)) old.exec(sql);
    old.pragma('user_version = 2');
    const recent = Date.now() - 60_000;
    const insert = old.prepare(
      `INSERT INTO questions (guild_id, channel_id, user_id, question, normalized, answered, latency_ms, asked_at)
       VALUES ('g1', 'c1', ?, 'What?', 'what', 1, 5, ?)`,
    );
    insert.run('u1', recent);
    insert.run('u2', Date.now() - 3 * 86_400_000); // no limit looks back that far
    old.close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT guild_id, user_id, asked_at FROM asks').all()).toEqual([{ guild_id: 'g1', user_id: 'u1', asked_at: recent }]);
    db.close();
  });

  it('reopens an up-to-date file without migrating again, keeping its data', () => {
    const dir = tempDir();
    const storage = open(dir);
    storage.updateSettings('g1', { cooldownSeconds: 3 });
    storage.close();
    for (let i = 0; i < 3; i++) {
      const again = open(dir);
      expect(again.getSettings('g1').cooldownSeconds).toBe(3);
      again.close();
    }
    const db = new Database(join(dir, DATABASE_FILE_NAME));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a file with garbage bytes, naming the file and what to do', () => {
    const dir = tempDir();
    const file = join(dir, DATABASE_FILE_NAME);
    writeFileSync(file, Buffer.from('this is definitely not a SQLite database\n'.repeat(200)));
    const error = storageError(() => open(dir));
    expect(error.code).toBe('corrupt');
    expect(error.file).toBe(file);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/not a readable SQLite database/);
    expect(error.message).toMatch(/move the file aside/);
    expect(error.exitCode).toBe(STORAGE_EXIT_CODE);
    // The file is left alone for the operator to inspect.
    expect(readFileSync(file, 'utf8')).toMatch(/^this is definitely not/);
  });

  it('refuses a database whose pages were damaged', () => {
    const dir = tempDir();
    const storage = open(dir);
    for (let i = 0; i < 300; i++) {
      storage.recordQuestion({
        guildId: 'g1',
        channelId: 'c1',
        userId: `u${i}`,
        question: `question number ${i} `.repeat(20),
        answered: true,
        citedSections: ['1 Intro'],
        latencyMs: 5,
      });
    }
    storage.close(); // checkpoints the WAL into the main file
    const file = storage.file;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 4, 0xa5), 0, 4096 * 4, 4096 * 2); // pages 3-6
    closeSync(fd);
    const error = storageError(() => open(dir));
    expect(error.code).toBe('corrupt');
    expect(error.message).toContain(file);
  });

  it('reports an unusable DATA_DIR (a parent is a regular file) clearly', () => {
    const base = tempDir();
    writeFileSync(join(base, 'not-a-folder'), 'x');
    const dir = join(base, 'not-a-folder', 'data');
    const error = storageError(() => open(dir));
    expect(error.code).toBe('unwritable');
    expect(error.file).toBe(join(dir, DATABASE_FILE_NAME));
    expect(error.message).toContain(join(dir, DATABASE_FILE_NAME));
    expect(error.message).toMatch(/DATA_DIR/);
  });

  it('reports a database path that is a folder clearly', () => {
    const dir = tempDir();
    mkdirSync(join(dir, DATABASE_FILE_NAME));
    const error = storageError(() => open(dir));
    expect(error.code).toBe('unwritable');
    expect(error.message).toContain(join(dir, DATABASE_FILE_NAME));
  });

  it('refuses a database written by a newer schema, leaving it untouched', () => {
    const dir = tempDir();
    open(dir).close();
    const file = join(dir, DATABASE_FILE_NAME);
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    const error = storageError(() => open(dir));
    expect(error.code).toBe('newer-schema');
    expect(error.message).toContain(file);
    expect(error.message).toContain(`schema version ${SCHEMA_VERSION + 5}`);
    expect(error.message).toMatch(/Upgrade Verbatim/);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 5);
    check.close();
  });

  it("refuses another program's SQLite database instead of adding tables to it", () => {
    const dir = tempDir();
    const file = join(dir, DATABASE_FILE_NAME);
    const raw = new Database(file);
    raw.exec('CREATE TABLE questions (x)');
    raw.close();
    const error = storageError(() => open(dir));
    expect(error.code).toBe('not-verbatim');
    expect(error.message).toContain(file);
  });
});
