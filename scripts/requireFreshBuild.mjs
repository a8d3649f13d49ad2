/**
 * Loaded with `node --import` by `npm start` and `npm run start:sharded`, before the compiled
 * entry point: a missing or stale build is one clear line and exit 78 (the settings need
 * fixing; a supervisor does not restart), not a stack trace or yesterday's code.
 *
 * With a problem, `--help` and wrong arguments are still answered here (the entry points
 * take no arguments), since the compiled code that would answer them is missing or old.
 */
import path from 'node:path';
import { buildProblem } from './buildStamp.mjs';

const problem = buildProblem();
if (problem) {
  const args = process.argv.slice(2);
  const command = path.basename(process.argv[1] ?? '') === 'sharded.js' ? 'npm run start:sharded' : 'npm start';
  const usage = `Usage: ${command}\n\nRuns the compiled Discord bot in dist/. It takes no arguments: settings come from the\nenvironment or .env (see .env.example).\n`;
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage}\nnote: ${problem}\n`);
    process.exit(0);
  }
  if (args.length > 0) {
    process.stderr.write(`error: ${args[0]?.startsWith('-') ? `Unknown option '${args[0]}'` : `Unexpected argument '${args[0]}'`}\n\n${usage}`);
    process.exit(2);
  }
  process.stderr.write(`error: ${problem}\n`);
  process.exit(78);
}
