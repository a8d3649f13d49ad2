/**
 * `npm run chat`: an interactive session on the same engine as the bot. The model and index
 * load once; then every line is a question, or a slash command (`/help` lists them).
 *
 * On a terminal, lines are read with node:readline in terminal mode: arrow keys edit the
 * line and walk the history (Up recalls the last question instead of sending `^[[A`).
 */
import readline from 'node:readline';
import { randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import { EXIT, runMain, type CliIO } from './io.js';
import type { CorpusChoice } from './openEngine.js';
import { engineCommand, parseCommandLine } from './command.js';
import { formatAnswer, formatPassage } from './format.js';
import { printable } from '../core/text/printable.js';
import { formatQuestion, formatQuizAnswer, LETTERS } from './quiz.js';
import type { Verbatim } from '../core/engine.js';
import { VerbatimError } from '../core/errors.js';
import { DEFAULT_SUMMARY_SENTENCES, MAX_SUMMARY_SENTENCES } from '../core/limits.js';
import { NOTHING_TO_SUMMARISE } from '../core/summarise/summarise.js';
import type { QuizQuestion } from '../core/types.js';

/** The chat's commands, in the order /help lists them. */
export const CHAT_COMMANDS = [
  ['/help', 'this list'],
  ['/more', 'the next passages for the last question'],
  ['/summary [K]', `the document's key sentences (K of them, default ${DEFAULT_SUMMARY_SENTENCES})`],
  ['/quiz', 'a fill-in-the-blank question; answer with its letter'],
  ['/sections', 'the table of contents'],
  ['/quit', 'leave (or Ctrl+D)'],
] as const;

const COMMAND_HELP = CHAT_COMMANDS.map(([name, what]) => `  ${name.padEnd(14)}${what}`).join('\n');

export const USAGE = `Usage: npm run chat -- [--doc FILE | --corpus DIR]

Type a question and press Enter. Up and Down recall earlier lines. Commands:
${COMMAND_HELP}`;

/** Passages per answer, and per /more. */
const PAGE = 3;
const HISTORY_SIZE = 200;

interface Session {
  engine: Verbatim;
  io: CliIO;
  showDocument: boolean;
  /** The last question, and how many of its passages were shown, for /more. */
  last?: { question: string; shown: number };
  /** A quiz waiting for its letter. */
  quiz?: QuizQuestion;
}

export const main = engineCommand<{ corpus: CorpusChoice }>({
  usage: USAGE,
  parse(argv) {
    const parsed = parseCommandLine(argv, {});
    return parsed === 'help' ? 'help' : { corpus: parsed.corpus };
  },
  async run(engine, _args, io) {
    const documents = engine.documents();
    io.stdout(`Ask about: ${printable(documents.map((d) => d.title).join('; '))}\nType a question, /help for the commands, /quit to leave.\n`);
    const input = io.stdin ?? process.stdin;
    // Terminal mode (line editing, history) only on a terminal: piped input is read as plain lines.
    const terminal = Boolean((input as { isTTY?: boolean }).isTTY);
    const output = input === process.stdin ? process.stdout : new Writable({ write: (chunk: Buffer, _encoding, done) => (io.stdout(chunk.toString()), done()) });
    const rl = readline.createInterface({ input, output, terminal, historySize: HISTORY_SIZE, removeHistoryDuplicates: true, prompt: '> ' });
    const session: Session = { engine, io, showDocument: documents.length > 1 };
    // Piped input is not echoed, so a prompt there would only run into the answers.
    const prompt = () => {
      io.stdout('\n');
      if (!terminal) return;
      rl.setPrompt(session.quiz ? `Your answer (${LETTERS.split('').join('/')}): ` : '> ');
      rl.prompt();
    };
    prompt();
    try {
      for await (const line of rl) {
        if ((await handleLine(session, line.trim())) === 'quit') break;
        prompt();
      }
    } finally {
      rl.close();
    }
    io.stdout('\n');
    return EXIT.ok;
  },
});

/** Does what one line asks. */
export async function handleLine(session: Session, input: string): Promise<'quit' | void> {
  const { engine, io, showDocument } = session;
  if (session.quiz) {
    const quiz = session.quiz;
    session.quiz = undefined;
    const picked = LETTERS.indexOf(input.toUpperCase());
    if (input.length === 1 && picked >= 0) {
      io.stdout(`${picked === quiz.answerIndex ? 'Right!' : `Not quite: ${LETTERS[picked]} is not it.`}\n${formatQuizAnswer(quiz, undefined, showDocument)}\n`);
      return;
    }
    // Anything else leaves the quiz and is taken as it is.
    io.stdout(`(quiz skipped) ${formatQuizAnswer(quiz, undefined, showDocument).trim()}\n\n`);
  }
  if (input === '') return;
  if (!input.startsWith('/')) return ask(session, input, 0);

  const [command = '', ...rest] = input.split(/\s+/);
  switch (command.toLowerCase()) {
    case '/quit':
    case '/exit':
      return 'quit';
    case '/help':
      io.stdout(`Type a question, or:\n${COMMAND_HELP}\n`);
      return;
    case '/more':
      if (!session.last) io.stdout('Ask a question first; /more shows its next passages.\n');
      else await ask(session, session.last.question, session.last.shown);
      return;
    case '/sections':
      for (const s of engine.sections()) io.stdout(`${'  '.repeat(Math.max(0, s.level - 1))}${printable(`§${s.number} ${s.title}${showDocument ? ` (${s.document})` : ''}`)}\n`);
      return;
    case '/summary': {
      const sentences = rest[0] === undefined ? DEFAULT_SUMMARY_SENTENCES : Number(rest[0]);
      if (!Number.isInteger(sentences) || sentences < 1 || sentences > MAX_SUMMARY_SENTENCES) {
        io.stdout(`/summary takes a number of sentences from 1 to ${MAX_SUMMARY_SENTENCES}, got "${rest[0]}".\n`);
        return;
      }
      const summary = await engine.summarise({ sentences });
      io.stdout(summary.passages.length === 0 ? `${NOTHING_TO_SUMMARISE}\n` : summary.passages.map((p, i) => formatPassage(p, i, { showDocument })).join('\n\n') + '\n');
      return;
    }
    case '/quiz': {
      const quiz = engine.quiz({ seed: randomInt(1_000_000) });
      if (!quiz) io.stdout('No question can be made from this document.\n');
      else {
        session.quiz = quiz;
        io.stdout(`${formatQuestion(quiz, 1).replace(/^1\. /, '')}\nAnswer with its letter (${LETTERS.split('').join('/')}).\n`);
      }
      return;
    }
    default:
      io.stdout(`unknown command ${command}; /help lists the commands. (To ask something that starts with "/", leave out the "/".)\n`);
  }
}

async function ask(session: Session, question: string, offset: number): Promise<void> {
  const { engine, io, showDocument } = session;
  try {
    const answer = await engine.ask(question, { top: PAGE, offset });
    if (offset > 0 && answer.answered && answer.passages.length === 0) {
      io.stdout('No more passages for that question.\n');
      return;
    }
    // Numbered on from the passages already shown, as the bot's "More passages" pages are.
    io.stdout(answer.answered ? answer.passages.map((p, i) => formatPassage(p, offset + i, { showDocument })).join('\n\n') + '\n' : formatAnswer(answer, { showDocument }));
    session.last = { question, shown: offset + (answer.answered ? answer.passages.length : 0) };
  } catch (error) {
    // A bad question is answered with the reason; the session goes on.
    if (!(error instanceof VerbatimError)) throw error;
    io.stdout(`${error.message}\n`);
  }
}

runMain(import.meta.url, main);
