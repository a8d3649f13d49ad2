/**
 * What a command-line entry point needs from the outside world. Tests pass strings in and
 * read strings out; `runMain` wires the real process.
 */
import { ConfigError } from '../config.js';
import { isEntryPoint } from '../entryPoint.js';
import { VerbatimError } from '../core/errors.js';
import { EXIT } from '../exitCodes.js';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Lines typed by the user (chat); absent when not interactive. */
  stdin?: NodeJS.ReadableStream;
  /** Whether stderr is a terminal (progress bars). */
  isTTY?: boolean;
}

export const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stdin: process.stdin,
  isTTY: process.stderr.isTTY,
};

/** Exit codes: 0 done (an answer or an honest refusal), 1 failed, 2 wrong usage (see src/exitCodes.ts). */
export { EXIT } from '../exitCodes.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Turns expected failures into one readable line and an exit code; anything else is a bug. */
export function reportError(error: unknown, io: CliIO, usage?: string): number {
  if (error instanceof UsageError) {
    io.stderr(`error: ${error.message}\n\n${usage ?? ''}\n`);
    return EXIT.usage;
  }
  if (error instanceof VerbatimError || error instanceof ConfigError) {
    io.stderr(`error: ${error.message}\n`);
    return EXIT.failed;
  }
  io.stderr(`error: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failed;
}

/** Runs `main` as the process's entry point and exits with its code once output is flushed. */
/** Runs a command's `main` when its module is the one node was started with (see entryPoint). */
export function runMain(moduleUrl: string, main: (argv: string[], io: CliIO) => Promise<number>): void {
  if (!isEntryPoint(moduleUrl)) return;
  main(process.argv.slice(2), processIO).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = reportError(error, processIO);
    },
  );
}
