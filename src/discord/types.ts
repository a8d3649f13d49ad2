/** What every part of the bot is given: the one engine, the settings, the logger, storage. */
import type { Logger } from 'pino';
import type { BotConfig } from '../config.js';
import type { VerbatimEngine } from '../core/types.js';
import type { DocumentLibrary } from '../core/library/documentLibrary.js';
import type { Storage } from '../storage/index.js';
import type { QuizRunner } from './quizzes.js';
import type { Scheduler } from './scheduler.js';
import type { Conversations } from './threads.js';

export interface BotDeps {
  /** The same engine the command line uses; the bot never builds its own. */
  engine: VerbatimEngine;
  config: BotConfig;
  logger: Logger;
  /**
   * Settings, rate limits, the audit log, quizzes and scores. Without it the bot still
   * answers (/ask, /quote, /summary…) with the default settings, but has no moderation,
   * quizzes or reports.
   */
  storage?: Storage;
  /** When quizzes close. Default: real timers; tests pass one they move by hand. */
  scheduler?: Scheduler;
  /**
   * Servers' own documents (/documents). Without it every server answers from `engine` only.
   * With it, each interaction is handled with `engine` replaced by the server's documents
   * (plus `engine`'s when the server allows it): see scopedEngine.ts.
   */
  library?: DocumentLibrary;
}

/** What the handlers get: the deps, plus what lives as long as one client (createBot makes it). */
export interface BotContext extends BotDeps {
  scheduler: Scheduler;
  /** `guildId:userId` of members whose question is being answered now: one at a time each. */
  questionsInFlight: Set<string>;
  quizzes: QuizRunner;
  /** Where the last question of each conversation thread got to, for "more". */
  conversations: Conversations;
}
