/**
 * `npm run quiz`: multiple-choice questions made from the document, the same ones the bot
 * asks. Each question is a key sentence with a term blanked out and four options; the answers
 * follow, each with the sentence it was cut from and its citation.
 *
 *   --section N    questions about section N only
 *   --count N      how many questions (default 5)
 *   --seed N       which questions (the same seed always gives the same ones; default random)
 *   --answers      show each answer right under its question instead of at the end
 *   --json         print {"seed", "questions": [...]}
 *   --doc FILE | --corpus DIR [--document ID]   another document, as for `summary`
 */
import { randomInt } from 'node:crypto';
import { EXIT, runMain } from './io.js';
import type { CorpusChoice } from './openEngine.js';
import { documentOption, engineCommand, intOption, parseCommandLine } from './command.js';
import { citation } from './format.js';
import { printable } from '../core/text/printable.js';
import type { QuizQuestion } from '../core/types.js';
import type { Verbatim } from '../core/engine.js';

/** Most questions one run prints. */
export const MAX_QUIZ_COUNT = 20;
const DEFAULT_COUNT = 5;
export const LETTERS = 'ABCD';

export const USAGE = `Usage: npm run quiz -- [options]

Options:
  --section N     ask about one section (numbers as in /sections); default the whole document
  --count N       number of questions, 1-${MAX_QUIZ_COUNT} (default ${DEFAULT_COUNT})
  --seed N        the same seed gives the same questions (default: a random seed, printed)
  --answers       show each answer right under its question (default: all answers at the end)
  --json          print JSON: {"seed", "questions": [{id, prompt, options, answerIndex, passage}]}
  --doc FILE      quiz on this .txt/.md file instead of the bundled corpus
  --corpus DIR    quiz on this folder of .txt/.md files
  --document ID   which document of the folder (its path inside the folder)
  -h, --help      show this help`;

export interface QuizArgs {
  section?: number;
  count: number;
  seed: number;
  answers: boolean;
  json: boolean;
  document?: string;
  corpus: CorpusChoice;
}

export function parseQuizArgs(argv: string[], randomSeed: () => number = () => randomInt(1_000_000)): QuizArgs | 'help' {
  const parsed = parseCommandLine(argv, {
    section: { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string' },
    answers: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    document: { type: 'string' },
  });
  if (parsed === 'help') return 'help';
  const { values, corpus } = parsed;
  return {
    section: intOption('section', values.section, 0, Number.MAX_SAFE_INTEGER),
    count: intOption('count', values.count, 1, MAX_QUIZ_COUNT) ?? DEFAULT_COUNT,
    seed: intOption('seed', values.seed, 0, Number.MAX_SAFE_INTEGER) ?? randomSeed(),
    answers: Boolean(values.answers),
    json: Boolean(values.json),
    document: documentOption(values, corpus),
    corpus,
  };
}

/**
 * `count` different questions for seeds `seed`, `seed + 1`, …; fewer when the document
 * cannot make that many (seeds past the number of usable sentences start repeating them).
 */
export function collectQuestions(engine: Pick<Verbatim, 'quiz'>, args: Pick<QuizArgs, 'seed' | 'count' | 'section' | 'document'>): QuizQuestion[] {
  const out: QuizQuestion[] = [];
  const seen = new Set<string>();
  for (let s = args.seed; out.length < args.count && s < args.seed + args.count * 4; s++) {
    const q = engine.quiz({ seed: s, section: args.section, documentId: args.document });
    if (!q) break;
    if (seen.has(q.id)) continue;
    seen.add(q.id);
    out.push(q);
  }
  return out;
}

export function formatQuestion(q: QuizQuestion, n: number): string {
  return printable([`${n}. ${q.prompt}`, ...q.options.map((o, i) => `   ${LETTERS[i]}. ${o}`)].join('\n'));
}

export function formatQuizAnswer(q: QuizQuestion, n: number | undefined, showDocument: boolean): string {
  const head = `${n === undefined ? '   Answer' : `${n}.`} ${LETTERS[q.answerIndex]}: ${q.options[q.answerIndex]}`;
  return printable(`${head}\n   “${q.passage.quote}”\n   — ${citation(q.passage)}${showDocument ? ` · ${q.passage.document}` : ''}`);
}

export const main = engineCommand<QuizArgs>({
  usage: USAGE,
  parse: (argv) => parseQuizArgs(argv),
  async run(engine, args, io) {
    const questions = collectQuestions(engine, args);
    if (args.json) {
      io.stdout(JSON.stringify({ seed: args.seed, questions }) + '\n');
      return EXIT.ok;
    }
    const showDocument = engine.documents().length > 1 && args.document === undefined;
    if (questions.length === 0) {
      io.stdout('No question can be made here: no sentence has a name, number or key phrase with three of its kind elsewhere in the document.\n');
      return EXIT.ok;
    }
    const out: string[] = [`Quiz (seed ${args.seed}; run with --seed ${args.seed} for the same questions)`];
    questions.forEach((q, i) => out.push(formatQuestion(q, i + 1) + (args.answers ? `\n${formatQuizAnswer(q, undefined, showDocument)}` : '')));
    if (!args.answers) out.push('Answers', ...questions.map((q, i) => formatQuizAnswer(q, i + 1, showDocument)));
    io.stdout(out.join('\n\n') + '\n');
    return EXIT.ok;
  },
});

runMain(import.meta.url, main);
