/**
 * Every slash command, listed statically. The dispatcher routes by `data.name`, and
 * deploy-commands registers exactly these definitions.
 */
import { ask } from './ask.js';
import { help } from './help.js';
import { quote } from './quote.js';
import { sections } from './sections.js';
import type { Command } from './types.js';

export const commands: readonly Command[] = [ask, sections, quote, help];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.data.name === name);
}

export { toJSON, readArgs, type Command, type CommandDefinition, type ArgsOf } from './types.js';
