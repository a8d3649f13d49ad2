/** What every part of the bot is given: the one engine, the settings, the logger, storage. */
import type { Logger } from 'pino';
import type { BotConfig } from '../config.js';
import type { VerbatimEngine } from '../core/types.js';
import type { Storage } from '../storage/index.js';

export interface BotDeps {
  /** The same engine the command line uses; the bot never builds its own. */
  engine: VerbatimEngine;
  config: BotConfig;
  logger: Logger;
  /** Records questions and feedback when present (the next features read it for guards). */
  storage?: Storage;
}
