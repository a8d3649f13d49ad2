/**
 * Every slash command, listed statically. The dispatcher routes by `data.name`, and
 * deploy-commands registers exactly these definitions.
 */
import { ask } from './ask.js';
import { config } from './config.js';
import { documents } from './documents.js';
import { forgetMe } from './forgetMe.js';
import { forgetServer } from './forgetServer.js';
import { help } from './help.js';
import { quiz } from './quiz.js';
import { quizScores } from './quizScores.js';
import { quote } from './quote.js';
import { reindex } from './reindex.js';
import { report } from './report.js';
import { sections } from './sections.js';
import { summary } from './summary.js';
import type { Command } from './types.js';

/** Members' commands first, then moderators'; Discord lists them in its own order anyway. */
export const commands: readonly Command[] = [ask, sections, quote, summary, quiz, quizScores, forgetMe, help, config, documents, report, reindex, forgetServer];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.data.name === name);
}

export { toJSON, readArgs } from './types.js';
