/**
 * Settings from the environment (and `.env`), validated once at start-up. Every problem is
 * reported together, in words, with the variable's name; no stack trace for a typo.
 */
import 'dotenv/config';
import path from 'node:path';
import { z } from 'zod';
import { BUNDLED_MODEL, DEFAULT_CACHE_DIR, DEFAULT_CORPUS_DIR, DEFAULT_INDEX_DIR, PROJECT_ROOT } from './core/paths.js';

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
    embedder: {
      model: config.EMBEDDING_MODEL,
      allowRemoteModels: config.ALLOW_REMOTE_MODELS,
      cacheDir: path.resolve(PROJECT_ROOT, config.MODEL_CACHE_DIR),
      ...(config.MODEL_REMOTE_HOST ? { remoteHost: config.MODEL_REMOTE_HOST } : {}),
      ...(config.EMBEDDING_QUERY_PREFIX !== undefined ? { queryPrefix: config.EMBEDDING_QUERY_PREFIX } : {}),
    },
  };
}
