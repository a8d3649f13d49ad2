/**
 * What every engine command shares: its options parsed with `--doc`/`--corpus`/`--help`
 * added, wrong usage turned into a UsageError, the engine opened and always closed, and
 * failures reported as one line with an exit code.
 */
import { parseArgs } from 'node:util';
import type { Verbatim, VerbatimOptions } from '../core/engine.js';
import { EXIT, reportError, UsageError, type CliIO } from './io.js';
import { openEngine, type CorpusChoice } from './openEngine.js';

type OptionSpec = { type: 'string' | 'boolean'; short?: string; default?: string | boolean };

const COMMON_OPTIONS = {
  doc: { type: 'string' },
  corpus: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Record<string, OptionSpec>;

export interface ParsedCommandLine {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  corpus: CorpusChoice;
}

/** Parses `argv` with the command's own options plus the common ones; 'help' when asked for. */
export function parseCommandLine(argv: string[], options: Record<string, OptionSpec>, allowPositionals = false): ParsedCommandLine | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals, options: { ...COMMON_OPTIONS, ...options } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as ParsedCommandLine['values'];
  if (values.help) return 'help';
  const doc = values.doc as string | undefined;
  const corpus = values.corpus as string | undefined;
  if (doc && corpus) throw new UsageError('use --doc or --corpus, not both');
  return { values, positionals: parsed.positionals, corpus: { doc, corpus } };
}

/** A whole number from `min` to `max`, or a UsageError naming the option. */
export function intOption(name: string, value: string | boolean | undefined, min: number, max: number): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number${max === Number.MAX_SAFE_INTEGER ? ` of at least ${min}` : ` from ${min} to ${max}`}, got "${value}"`);
  }
  return n;
}

/** `--document ID`: which document of a `--corpus` folder (with `--doc` there is only one). */
export function documentOption(values: Record<string, string | boolean | undefined>, corpus: CorpusChoice): string | undefined {
  const document = values.document as string | undefined;
  if (corpus.doc && document) throw new UsageError('--document picks a document of --corpus; with --doc there is only one');
  return document;
}

export interface EngineCommand<Args> {
  usage: string;
  /** Turns argv into the command's arguments (throwing UsageError), or 'help'. */
  parse(argv: string[]): (Args & { corpus: CorpusChoice }) | 'help';
  /** Work that needs no engine and may fail fast, such as reading an input file. */
  prepare?(args: Args): Promise<void>;
  run(engine: Verbatim, args: Args, io: CliIO): Promise<number>;
  engineOptions?: Partial<VerbatimOptions>;
}

/** The `main(argv, io)` of a command that needs the engine. */
export function engineCommand<Args>(command: EngineCommand<Args>): (argv: string[], io: CliIO) => Promise<number> {
  return async (argv, io) => {
    let args: (Args & { corpus: CorpusChoice }) | 'help';
    try {
      args = command.parse(argv);
    } catch (error) {
      return reportError(error, io, command.usage);
    }
    if (args === 'help') {
      io.stdout(command.usage + '\n');
      return EXIT.ok;
    }
    let engine: Verbatim | undefined;
    try {
      await command.prepare?.(args);
      engine = await openEngine(args.corpus, io, command.engineOptions);
      return await command.run(engine, args, io);
    } catch (error) {
      return reportError(error, io, command.usage);
    } finally {
      await engine?.close();
    }
  };
}
