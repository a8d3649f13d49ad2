/**
 * `npm run chat`: an interactive session on the same engine as the bot. The model and index
 * load once; then every line is a question. `/sections` lists the table of contents,
 * `/quit` (or Ctrl+D) leaves.
 */
import readline from 'node:readline';
import { EXIT, runMain } from './io.js';
import type { CorpusChoice } from './openEngine.js';
import { engineCommand, parseCommandLine } from './command.js';
import { formatAnswer } from './format.js';
import { VerbatimError } from '../core/errors.js';

export const USAGE = `Usage: npm run chat -- [--doc FILE | --corpus DIR]

Type a question and press Enter. Commands: /sections, /help, /quit.`;

export const main = engineCommand<{ corpus: CorpusChoice }>({
  usage: USAGE,
  parse(argv) {
    const parsed = parseCommandLine(argv, {});
    return parsed === 'help' ? 'help' : { corpus: parsed.corpus };
  },
  async run(engine, _args, io) {
    const documents = engine.documents();
    io.stdout(`Ask about: ${documents.map((d) => d.title).join('; ')}\nType /sections for the contents, /quit to leave.\n`);

    const rl = readline.createInterface({ input: io.stdin ?? process.stdin, terminal: false });
    const prompt = () => io.stdout('\n> ');
    prompt();
    try {
      for await (const line of rl) {
        const input = line.trim();
        if (input === '/quit' || input === '/exit') break;
        if (input === '') {
          prompt();
          continue;
        }
        if (input === '/help') io.stdout(USAGE + '\n');
        else if (input === '/sections') {
          for (const s of engine.sections()) io.stdout(`${'  '.repeat(Math.max(0, s.level - 1))}§${s.number} ${s.title}${documents.length > 1 ? ` (${s.document})` : ''}\n`);
        } else {
          try {
            io.stdout(formatAnswer(await engine.ask(input), { showDocument: documents.length > 1 }));
          } catch (error) {
            // A bad question is answered with the reason; the session goes on.
            if (!(error instanceof VerbatimError)) throw error;
            io.stdout(`${error.message}\n`);
          }
        }
        prompt();
      }
    } finally {
      rl.close();
    }
    io.stdout('\n');
    return EXIT.ok;
  },
});

runMain(import.meta.url, main);
