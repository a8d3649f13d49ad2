/**
 * Command-line parsing for the entry points that are not engine commands (the bot, the
 * command deployment, eval and the benchmarks): `--help` prints the usage and exits 0, a
 * wrong argument prints one `error:` line and the usage and exits 2. Never a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT } from '../exitCodes.js';
import { UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>;

/**
 * The parsed arguments, or the exit code to end with when they were `--help` or wrong.
 * `check` may throw a UsageError for a value parseArgs cannot judge (a number out of range).
 */
export function parseScriptArgs<O extends Options>(
  argv: string[],
  usage: string,
  options: O,
  { allowPositionals = false, check }: { allowPositionals?: boolean; check?: (parsed: Parsed<O>) => void } = {},
  out: { stdout(t: string): void; stderr(t: string): void } = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
): Parsed<O> | number {
  if (argv.includes('--help') || argv.includes('-h')) {
    out.stdout(`${usage}\n`);
    return EXIT.ok;
  }
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals, strict: true }) as Parsed<O>;
    check?.(parsed);
    return parsed;
  } catch (error) {
    const message = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? (error as Error).message : String(error);
    out.stderr(`error: ${message}\n\n${usage}\n`);
    return EXIT.usage;
  }
}
