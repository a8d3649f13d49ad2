/**
 * `npm run ask -- "question"`: answer from the command line.
 *
 *   --json         print the answer as JSON (the contract in the README)
 *   --top N        how many passages (default 3)
 *   --doc FILE     ask about another document (indexed into .cache/ on first use)
 *   --corpus DIR   ask about another folder of documents
 *   --batch FILE   one question per line; with --json, one JSON object per line
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EXIT, reportError, runMain, UsageError, type CliIO } from './io.js';
import { openEngine } from './openEngine.js';
import { formatAnswer } from './format.js';
import { MAX_TOP } from '../core/limits.js';
import { VerbatimError } from '../core/errors.js';
import type { Verbatim } from '../core/engine.js';

export const USAGE = `Usage: npm run ask -- [options] "your question"

Options:
  --json          print JSON: {"question", "answered", "passages": [{quote, document, section, paragraph, start, end, score}]}
  --top N         number of passages, 1-${MAX_TOP} (default 3)
  --doc FILE      ask about this .txt/.md file instead of the bundled corpus
  --corpus DIR    ask about this folder of .txt/.md files
  --batch FILE    answer every line of FILE (one question per line)
  -h, --help      show this help`;

export interface AskArgs {
  question?: string;
  json: boolean;
  top: number;
  doc?: string;
  corpus?: string;
  batch?: string;
}

export function parseAskArgs(argv: string[]): AskArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        top: { type: 'string' },
        doc: { type: 'string' },
        corpus: { type: 'string' },
        batch: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const top = values.top === undefined ? 3 : Number(values.top);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) throw new UsageError(`--top must be a whole number from 1 to ${MAX_TOP}, got "${values.top}"`);
  if (values.doc && values.corpus) throw new UsageError('use --doc or --corpus, not both');
  const question = positionals.join(' ');
  if (values.batch && question) throw new UsageError('give either a question or --batch FILE, not both');
  if (!values.batch && !question.trim()) throw new UsageError('no question given');
  return { question: question || undefined, json: values.json, top, doc: values.doc, corpus: values.corpus, batch: values.batch };
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  let args: AskArgs | 'help';
  try {
    args = parseAskArgs(argv);
  } catch (error) {
    return reportError(error, io, USAGE);
  }
  if (args === 'help') {
    io.stdout(USAGE + '\n');
    return EXIT.ok;
  }

  let engine: Verbatim | undefined;
  try {
    // Read the batch file before loading the model, so a wrong path fails fast.
    const questions = args.batch ? await readQuestions(args.batch) : [args.question!];
    engine = await openEngine({ doc: args.doc, corpus: args.corpus }, io);
    const showDocument = engine.documents().length > 1;
    let failed = 0;
    for (const question of questions) {
      try {
        const answer = await engine.ask(question, { top: args.top });
        io.stdout(args.json ? JSON.stringify(answer) + '\n' : (args.batch ? `Q: ${answer.question}\n` : '') + formatAnswer(answer, { showDocument }) + (args.batch ? '\n' : ''));
      } catch (error) {
        // In a batch, one bad line must not lose the answers to the others.
        if (!args.batch || !(error instanceof VerbatimError)) throw error;
        failed++;
        io.stdout(args.json ? JSON.stringify({ question, error: { code: error.code, message: error.message } }) + '\n' : `Q: ${question.slice(0, 80)}\nerror: ${error.message}\n\n`);
      }
    }
    return failed > 0 ? EXIT.failed : EXIT.ok;
  } catch (error) {
    return reportError(error, io, USAGE);
  } finally {
    await engine?.close();
  }
}

async function readQuestions(file: string): Promise<string[]> {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --batch file "${file}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) throw new UsageError(`--batch file "${file}" has no questions`);
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) runMain(main);
