/**
 * Errors the storage layer lets out. Every one names the database file and says what the
 * operator should do, because the person reading it is whoever runs the bot, usually from a
 * process log.
 */

export type StorageErrorCode =
  /** The file is not a SQLite database, or fails the integrity check. */
  | 'corrupt'
  /** A valid SQLite database that belongs to some other program. */
  | 'not-verbatim'
  /** Written by a newer Verbatim whose schema this build does not know. */
  | 'newer-schema'
  /** The file or its folder cannot be created or written. */
  | 'unwritable'
  /** Another process held the write lock longer than the busy timeout. */
  | 'busy'
  /** The disk is full. */
  | 'disk-full'
  /** Any other I/O or SQLite failure. */
  | 'io';

import { EXIT } from '../exitCodes.js';

/**
 * Exit code for a start-up that failed because of storage: EX_CONFIG from sysexits.h.
 * Restarting cannot fix a corrupt or unwritable file, so the bot's entry point should print
 * `err.message` and exit with this code, and the supervisor should not restart on it
 * (systemd: `RestartPreventExitStatus=78`). That is what turns a bad file into one clear
 * log line instead of a crash loop.
 */
export const STORAGE_EXIT_CODE = EXIT.config;

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly exitCode = STORAGE_EXIT_CODE;

  constructor(
    readonly code: StorageErrorCode,
    /** Absolute path of the database file. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A settings update that failed validation; `issues` are one readable line per problem. */
export class InvalidSettingsError extends Error {
  override readonly name = 'InvalidSettingsError';

  constructor(readonly issues: string[]) {
    super(`Verbatim storage: invalid settings: ${issues.join('; ')}`);
  }
}

const SIDE_FILES = '(and its -wal and -shm files, if present)';

/**
 * Turns whatever better-sqlite3 or `fs` threw into a `StorageError` naming `file`.
 * Errors that are already `StorageError`s pass through; errors that are not storage
 * failures at all (a bug, a TypeError) are returned unchanged so they are not disguised.
 */
export function toStorageError(err: unknown, file: string): unknown {
  if (err instanceof StorageError) return err;
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return err;
  // Node's fs messages already start with the code ("ENOTDIR: not a directory, …").
  const detail = err.message.startsWith(code) ? err.message : `${code}: ${err.message}`;

  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StorageError(
      'corrupt',
      file,
      `Verbatim storage: ${file} is not a readable SQLite database (${detail}). ` +
        `Stop the bot, move the file aside ${SIDE_FILES} or restore it from a backup, then start again; ` +
        'a new empty database is created when none exists.',
      { cause: err },
    );
  }
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_PERM' ||
    code === 'SQLITE_AUTH' ||
    code === 'ENOTDIR' ||
    code === 'EEXIST' ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    code === 'EISDIR'
  ) {
    return new StorageError(
      'unwritable',
      file,
      `Verbatim storage: cannot open ${file} for writing (${detail}). ` +
        'Check that DATA_DIR names a folder (not a file), that every parent of it is a folder, ' +
        'and that the bot may create and write files there.',
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StorageError(
      'busy',
      file,
      `Verbatim storage: ${file} stayed locked by another process (${detail}). ` +
        'Make sure only Verbatim processes use this file and none of them is stuck, then try again.',
      { cause: err },
    );
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new StorageError(
      'disk-full',
      file,
      `Verbatim storage: the disk holding ${file} is full (${detail}). Free some space; nothing already saved is lost.`,
      { cause: err },
    );
  }
  // I/O trouble only. SQLITE_CONSTRAINT, SQLITE_ERROR (bad SQL), SQLITE_MISMATCH and the
  // like are bugs in our code and stay as they are. `E…` without an underscore is a system
  // error from fs (EIO…), not one of Node's own ERR_* codes.
  if (
    code.startsWith('SQLITE_IOERR') ||
    code === 'SQLITE_NOMEM' ||
    code === 'SQLITE_PROTOCOL' ||
    code === 'SQLITE_NOLFS' ||
    /^E[A-Z0-9]+$/.test(code)
  ) {
    return new StorageError(
      'io',
      file,
      `Verbatim storage: ${file} could not be read or written (${detail}). ` +
        'Check the disk and the file; if the error persists, restore the file from a backup.',
      { cause: err },
    );
  }
  return err;
}
