/**
 * Opens the SQLite file, configures it for durability, and brings its schema up to date.
 * Every failure comes out as a `StorageError` that names the file.
 */
import { makeDirectory } from '../core/makeDirectory.js';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError, toStorageError } from './errors.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

/** The better-sqlite3 connection type, so callers need not import better-sqlite3 themselves. */
export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /**
   * How long a write waits for another connection's lock before failing (ms). Several
   * processes may share the file (shards, the CLI's reports), and a write
   * lock is held only for a few milliseconds. Default 5000.
   */
  busyTimeoutMs?: number;
  /**
   * Run `PRAGMA quick_check` at open. It reads every page once, which takes milliseconds for
   * a database of this size, and catches a damaged file at start-up rather than in the middle
   * of a command. Default true.
   */
  quickCheck?: boolean;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) the database at `file`, configures it and applies any
 * outstanding migrations.
 *
 * Durability choices, for "nothing is lost":
 * - `journal_mode = WAL`: a commit appends to the write-ahead log, and readers (reports)
 *   never block the writer. If the process dies mid-write, the uncommitted tail of the log
 *   is ignored at the next open, so the file always holds exactly the committed transactions.
 * - `synchronous = FULL`: in WAL mode NORMAL already survives a killed *process*, but a
 *   power cut or OS crash can lose the last commits, because the log is only fsynced at
 *   checkpoints. FULL fsyncs the log at every commit, so a question, vote or score the bot
 *   has acknowledged is on disk. The cost is one fsync per write; the bot writes a few
 *   rows per question, which is negligible next to answering it.
 * - `foreign_keys = ON`: SQLite leaves them off by default; we rely on them for
 *   feedback to be deleted with its question (retention, /forget-me).
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  const path = resolve(file);
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let db: Database.Database | undefined;
  try {
    // Creates DATA_DIR on first run. Fails with ENOTDIR/EEXIST if a parent is a regular file.
    makeDirectory(dirname(path));
    db = new Database(path, { timeout: busyTimeoutMs });

    // The first statement that reads the header; a garbage file fails here with SQLITE_NOTADB.
    // On a file system without shared memory (some network mounts) SQLite keeps its rollback
    // journal instead; that is still crash-safe, only slower for concurrent readers.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // /forget-me and retention promise erasure: overwrite deleted rows on disk instead of
    // leaving them readable in free pages. Deletes are rare, so the extra writes do not matter.
    db.pragma('secure_delete = ON');

    if (options.quickCheck ?? true) checkIntegrity(db, path, 'quick_check');
    migrate(db, path);
    return db;
  } catch (err) {
    db?.close();
    throw toStorageError(err, path);
  }
}

/**
 * Applies the migrations the file has not seen. Each runs inside `BEGIN IMMEDIATE`, which
 * takes the write lock before re-reading the version: two processes starting together
 * serialise here, and the second finds nothing left to do.
 */
function migrate(db: Database.Database, path: string): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  const found = version();

  if (appId !== 0 && appId !== APPLICATION_ID) {
    throw new StorageError(
      'not-verbatim',
      path,
      `Verbatim storage: ${path} is a SQLite database of another program (application_id ${appId}). ` +
        'Point DATA_DIR at a folder of its own.',
    );
  }
  if (found > SCHEMA_VERSION) {
    throw new StorageError(
      'newer-schema',
      path,
      `Verbatim storage: ${path} has schema version ${found}, but this build of Verbatim knows versions up to ` +
        `${SCHEMA_VERSION}; it was written by a newer Verbatim. Upgrade Verbatim, or point DATA_DIR at another folder.`,
    );
  }
  if (found === 0 && appId === 0 && hasTables(db)) {
    // A version-0 file with tables was not created by us; migrating it would either fail on a
    // name clash or mix our tables into someone else's database.
    throw new StorageError(
      'not-verbatim',
      path,
      `Verbatim storage: ${path} already contains tables that Verbatim did not create. ` +
        'Point DATA_DIR at a folder of its own.',
    );
  }

  for (let target = found + 1; target <= SCHEMA_VERSION; target++) {
    const apply = db.transaction(() => {
      if (version() >= target) return; // another process got here first
      db.exec(MIGRATIONS[target - 1]!);
      // user_version lives in the file header and is part of this transaction.
      db.pragma(`user_version = ${target}`);
    });
    apply.immediate();
  }
}

function hasTables(db: Database.Database): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' LIMIT 1`).get() !== undefined;
}

/**
 * Runs `PRAGMA quick_check` or `integrity_check`; anything but "ok" is a corrupt file.
 * Exported for the tests.
 */
export function checkIntegrity(
  db: Database.Database,
  path: string = db.name,
  kind: 'quick_check' | 'integrity_check' = 'integrity_check',
): void {
  const rows = db.pragma(`${kind}(20)`) as Array<Record<string, string>>;
  const problems = rows.map((row) => Object.values(row)[0]).filter((value) => value !== 'ok');
  if (problems.length > 0) {
    throw new StorageError(
      'corrupt',
      path,
      `Verbatim storage: ${path} failed the SQLite ${kind} (${problems.slice(0, 3).join('; ')}). ` +
        'Stop the bot, move the file aside (and its -wal and -shm files) or restore it from a backup, then start again.',
    );
  }
}
