/**
 * Settings from the environment (and `.env`), validated once at start-up. Every problem is
 * reported together, in words, with the variable's name; no stack trace for a typo.
 */
import 'dotenv/config';
import path from 'node:path';
import { z } from 'zod';
import { BUNDLED_MODEL, DEFAULT_CACHE_DIR, DEFAULT_CORPUS_DIR, DEFAULT_INDEX_DIR, PROJECT_ROOT } from './core/paths.js';
import { DEFAULT_GUILD_SETTINGS, SETTINGS_LIMITS } from './storage/settings.js';

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .default('0')
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/** Settings of the engine, shared by every adapter. */
export const engineSchema = z.object({
  EMBEDDING_MODEL: z.string().min(1).default(BUNDLED_MODEL),
  ALLOW_REMOTE_MODELS: flag,
  MODEL_CACHE_DIR: z.string().min(1).default(path.join(DEFAULT_CACHE_DIR, 'models')),
  MODEL_REMOTE_HOST: z.string().url().optional(),
  EMBEDDING_QUERY_PREFIX: z.string().optional(),
  CORPUS_DIR: z.string().min(1).default(DEFAULT_CORPUS_DIR),
  INDEX_DIR: z.string().min(1).default(DEFAULT_INDEX_DIR),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: z.enum(['auto', '1', '0', 'true', 'false']).default('auto'),
});

export type EngineConfig = z.infer<typeof engineSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every setting.`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` with `schema`; throws a ConfigError listing every problem. */
export function parseConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // Empty values in .env mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return result.data;
}

export function loadEngineConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  return parseConfig(engineSchema, env);
}

/** Engine options from the settings; paths are relative to the project root. */
export function engineOptionsFrom(config: EngineConfig) {
  return {
    corpus: path.resolve(PROJECT_ROOT, config.CORPUS_DIR),
    indexDir: path.resolve(PROJECT_ROOT, config.INDEX_DIR),
    // Text extracted from PDFs (and web pages, Word files) is kept so a start need not read them again.
    extractionCache: path.join(DEFAULT_CACHE_DIR, 'extracted'),
    embedder: {
      model: config.EMBEDDING_MODEL,
      allowRemoteModels: config.ALLOW_REMOTE_MODELS,
      cacheDir: path.resolve(PROJECT_ROOT, config.MODEL_CACHE_DIR),
      ...(config.MODEL_REMOTE_HOST ? { remoteHost: config.MODEL_REMOTE_HOST } : {}),
      ...(config.EMBEDDING_QUERY_PREFIX !== undefined ? { queryPrefix: config.EMBEDDING_QUERY_PREFIX } : {}),
    },
  };
}

/** A Discord id (snowflake): 17-20 digits. */
const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17-20 digits)');

/** Comma-separated snowflakes, e.g. `123…,456…`; empty means none. */
const snowflakeList = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(snowflake));

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * What the bot needs to reach Discord. Shared by the bot, `deploy-commands` and the
 * sharding manager; DISCORD_TOKEN is optional here so that its absence gets its own
 * explanation (see `missingTokenHelp`) instead of a schema error.
 */
export const discordSchema = z.object({
  DISCORD_TOKEN: z.string().min(1).optional(),
  /** Base URL of Discord's REST API without the version, for bots behind a REST proxy. */
  DISCORD_API_URL: z.string().url().optional(),
  /** Register commands in this server only (instant; for development). Unset: globally. */
  DISCORD_GUILD_ID: snowflake.optional(),
  /** Skips one REST call in deploy-commands; read from the token's application otherwise. */
  DISCORD_APPLICATION_ID: snowflake.optional(),
});

/** Settings of the bot: the engine's, Discord's and the bot's own. */
export const botSchema = engineSchema.merge(discordSchema).extend({
  /** Channels where every message that reads as a question is answered (needs the MessageContent intent). */
  QA_CHANNEL_IDS: snowflakeList,
  /** Passages per answer and per "More passages" page. */
  PASSAGES_PER_ANSWER: int(1, 10, 3),
  /** Longest question the bot accepts, in characters. */
  MAX_QUESTION_LENGTH: int(SETTINGS_LIMITS.maxQuestionLength.min, SETTINGS_LIMITS.maxQuestionLength.max, DEFAULT_GUILD_SETTINGS.maxQuestionLength),
  /** Defer an interaction (Discord's "thinking…") when its answer is not ready after this long. */
  DEFER_AFTER_MS: int(0, 2500, 1000),
  /**
   * Discord user ids of the bot's operators. They count as moderators in every server, and
   * may run /reindex: the corpus is global, shared by every server the bot is in.
   */
  BOT_OWNER_IDS: snowflakeList,
  /** Where questions and feedback are recorded (SQLite); relative to the project root. */
  DATA_DIR: z.string().min(1).default('data'),
  /**
   * Servers' own documents (/documents add): the largest file accepted, in MB. 10 MB is
   * Discord's upload limit for members without Nitro, and a 300-page PDF is well under it.
   */
  DOCUMENT_MAX_MB: z.coerce.number().positive().max(100).default(10),
  /** Most documents one server may add (a term's reading, with room to spare). */
  DOCUMENTS_PER_SERVER: int(1, 200, 20),
  /**
   * Most document indexes kept in memory at once, over all servers; the least recently asked
   * are let go (and load again, in milliseconds, when asked).
   */
  DOCUMENT_INDEXES_LOADED: int(1, 10_000, 200),
  /** Shards for `npm run start:sharded`: a number, or `auto` for Discord's recommendation. */
  SHARD_COUNT: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(1000)]).default('auto'),
  /** Port of the liveness endpoint (GET /healthz); 0 or unset: off. */
  HEALTH_PORT: int(0, 65535, 0),
  /** Address it listens on: loopback by default, so only the machine (or the container) can ask. */
  HEALTH_HOST: z.string().ip().default('127.0.0.1'),
});

export type DiscordConfig = z.infer<typeof discordSchema>;
export type BotConfig = z.infer<typeof botSchema>;

export function loadBotConfig(env: NodeJS.ProcessEnv = process.env): BotConfig {
  return parseConfig(botSchema, env);
}

/** What to print when DISCORD_TOKEN is missing: what to set, where, and what works without it. */
export function missingTokenHelp(command: string): string {
  return [
    `DISCORD_TOKEN is not set, so ${command} cannot connect to Discord.`,
    '  1. Create an application at https://discord.com/developers/applications, open "Bot" and copy its token.',
    '  2. Put it in .env (copy .env.example to .env) as DISCORD_TOKEN=..., or export it in the environment.',
    'To ask questions without Discord: npm run chat (or npm run ask -- "your question").',
  ].join('\n');
}
