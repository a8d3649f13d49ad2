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
import { EXIT, runMain, UsageError } from './io.js';
import type { CorpusChoice } from './openEngine.js';
import { engineCommand, intOption, parseCommandLine } from './command.js';
import { formatAnswer } from './format.js';
import { DEFAULT_TOP, MAX_QUESTION_CHARS, MAX_TOP } from '../core/limits.js';
import { printable } from '../core/text/printable.js';
import { VerbatimError } from '../core/errors.js';

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
  batch?: string;
  corpus: CorpusChoice;
  /** The question, or the batch file's lines once read. */
  questions?: string[];
}

export function parseAskArgs(argv: string[]): AskArgs | 'help' {
  const parsed = parseCommandLine(argv, { json: { type: 'boolean', default: false }, top: { type: 'string' }, batch: { type: 'string' } }, true);
  if (parsed === 'help') return 'help';
  const { values, positionals, corpus } = parsed;
  const top = intOption('top', values.top, 1, MAX_TOP) ?? DEFAULT_TOP;
  const question = positionals.join(' ');
  const batch = values.batch as string | undefined;
  if (batch && question) throw new UsageError('give either a question or --batch FILE, not both');
  if (!batch && !question.trim()) throw new UsageError('no question given');
  if (question.length > MAX_QUESTION_CHARS) throw new UsageError(`the question is ${question.length} characters long; the limit is ${MAX_QUESTION_CHARS}`);
  return { question: question || undefined, json: Boolean(values.json), top, batch, corpus };
}

export const main = engineCommand<AskArgs>({
  usage: USAGE,
  parse: parseAskArgs,
  // Read the batch file before loading the model, so a wrong path fails fast.
  async prepare(args) {
    args.questions = args.batch ? await readQuestions(args.batch) : [args.question!];
  },
  async run(engine, args, io) {
    const showDocument = engine.documents().length > 1;
    let failed = 0;
    for (const question of args.questions!) {
      try {
        const answer = await engine.ask(question, { top: args.top });
        io.stdout(args.json ? JSON.stringify(answer) + '\n' : (args.batch ? `Q: ${printable(answer.question)}\n` : '') + formatAnswer(answer, { showDocument }) + (args.batch ? '\n' : ''));
      } catch (error) {
        // In a batch, one bad line must not lose the answers to the others.
        if (!args.batch || !(error instanceof VerbatimError)) throw error;
        failed++;
        io.stdout(args.json ? JSON.stringify({ question, error: { code: error.code, message: error.message } }) + '\n' : `Q: ${printable(question.slice(0, 80))}\nerror: ${error.message}\n\n`);
      }
    }
    return failed > 0 ? EXIT.failed : EXIT.ok;
  },
});

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

runMain(import.meta.url, main);
