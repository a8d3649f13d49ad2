/**
 * Per-server moderation settings. The database stores only what a server changed; reads
 * merge those overrides over `DEFAULT_GUILD_SETTINGS`.
 */
import { z } from 'zod';
import type { SqliteDatabase } from './database.js';
import { InvalidSettingsError } from './errors.js';
import type { Logger } from '../core/types.js';
import { MAX_QUESTION_CHARS } from '../core/limits.js';

export type Visibility = 'public' | 'private';

export interface GuildSettings {
  /** Channel ids where the bot answers questions. Empty means every channel it can see. */
  answerChannels: string[];
  /**
   * Role whose members may moderate (change settings, /report). `null`: members with the
   * Manage Server permission. The Discord adapter applies this; storage only keeps the id.
   */
  moderatorRoleId: string | null;
  /** Seconds a member must wait between two questions. 0 turns the cooldown off. */
  cooldownSeconds: number;
  /** Questions per member per UTC day. `null`: no daily cap. */
  dailyCap: number | null;
  /** Whether answers are posted in the channel or shown only to the asker by default. */
  visibility: Visibility;
  /** Longest question accepted, in characters. */
  maxQuestionLength: number;
  /** How long a quiz question stays open for answers, in seconds. */
  quizDurationSeconds: number;
  /** Days the audit log (questions and their feedback) is kept before it is deleted. */
  retentionDays: number;
  /** Whether the bot's shared documents answer here besides the server's own. */
  sharedCorpus: boolean;
  /** Channels bound to some of the server's own documents: channel id -> document ids. */
  channelDocuments: Record<string, string[]>;
  /** Answer each question in a new thread (forum channels always get the answer in the post's thread). */
  answerInThreads: boolean;
}

/**
 * Defaults, in one place.
 * - dailyCap 50: the cooldown alone allows thousands of questions a day; 50 is more than a
 *   studying member asks, and it stops one member from monopolising a 2-core host.
 * - maxQuestionLength 500: a question longer than a few sentences is a pasted passage, and
 *   retrieval works on the first few hundred characters anyway. The engine's limit is 2000.
 * - retentionDays 30: long enough for a monthly /report, short enough to keep little
 *   personal data.
 */
export const DEFAULT_GUILD_SETTINGS: Readonly<GuildSettings> = Object.freeze({
  answerChannels: [],
  moderatorRoleId: null,
  cooldownSeconds: 10,
  dailyCap: 50,
  visibility: 'public',
  maxQuestionLength: 500,
  quizDurationSeconds: 60,
  retentionDays: 30,
  sharedCorpus: true,
  channelDocuments: {},
  answerInThreads: false,
});

/** Ranges, also useful to the adapter for its slash-command option limits. */
export const SETTINGS_LIMITS = {
  answerChannels: { max: 100 },
  cooldownSeconds: { min: 0, max: 3600 },
  dailyCap: { min: 1, max: 10_000 },
  // The engine refuses longer questions whatever a server sets.
  maxQuestionLength: { min: 10, max: MAX_QUESTION_CHARS },
  // Discord interaction tokens expire after 15 minutes; a quiz must end before that.
  quizDurationSeconds: { min: 10, max: 840 },
  // At least one day: the daily cap counts today's rows, so they must still exist.
  retentionDays: { min: 1, max: 365 },
  // Bound channels, and documents per bound channel.
  channelDocuments: { channels: 100, documents: 25 },
} as const;

const id = z.string().trim().min(1).max(64);
const int = (range: { min: number; max: number }) => z.number().int().min(range.min).max(range.max);

const settingsShape = {
  answerChannels: z
    .array(id)
    .max(SETTINGS_LIMITS.answerChannels.max)
    .transform((ids) => [...new Set(ids)]),
  moderatorRoleId: id.nullable(),
  cooldownSeconds: int(SETTINGS_LIMITS.cooldownSeconds),
  dailyCap: int(SETTINGS_LIMITS.dailyCap).nullable(),
  visibility: z.enum(['public', 'private']),
  maxQuestionLength: int(SETTINGS_LIMITS.maxQuestionLength),
  quizDurationSeconds: int(SETTINGS_LIMITS.quizDurationSeconds),
  retentionDays: int(SETTINGS_LIMITS.retentionDays),
  sharedCorpus: z.boolean(),
  channelDocuments: z
    .record(id, z.array(z.string().min(1).max(200)).min(1).max(SETTINGS_LIMITS.channelDocuments.documents))
    .refine((bindings) => Object.keys(bindings).length <= SETTINGS_LIMITS.channelDocuments.channels, `at most ${SETTINGS_LIMITS.channelDocuments.channels} bound channels`),
  answerInThreads: z.boolean(),
} satisfies { [K in keyof GuildSettings]: z.ZodType<GuildSettings[K], z.ZodTypeDef, unknown> };

const patchSchema = z.object(settingsShape).partial().strict();

export type GuildSettingsPatch = Partial<GuildSettings>;
export type SettingKey = keyof GuildSettings;
export const SETTING_KEYS = Object.keys(settingsShape) as SettingKey[];

/** Validates a partial update; throws `InvalidSettingsError` listing every problem. */
export function parseSettingsPatch(patch: unknown): GuildSettingsPatch {
  const result = patchSchema.safeParse(patch);
  // `{ key: undefined }` means "not given", not "set to undefined".
  if (result.success) return Object.fromEntries(Object.entries(result.data).filter(([, value]) => value !== undefined));
  throw new InvalidSettingsError(
    result.error.issues.map((issue) => {
      const where = issue.path.join('.');
      return where ? `${where}: ${issue.message}` : issue.message;
    }),
  );
}

/**
 * `DEFAULT_GUILD_SETTINGS` with some defaults replaced (an operator's environment, e.g. the
 * bot's MAX_QUESTION_LENGTH), validated like an update. Throws `InvalidSettingsError`.
 */
export function resolveDefaults(overrides: GuildSettingsPatch = {}): Readonly<GuildSettings> {
  return Object.freeze({ ...DEFAULT_GUILD_SETTINGS, ...parseSettingsPatch(overrides) });
}

/** Overrides over the defaults; never hands out the frozen default array itself. */
function withDefaults(defaults: Readonly<GuildSettings>, overrides: GuildSettingsPatch): GuildSettings {
  return { ...defaults, answerChannels: [...defaults.answerChannels], channelDocuments: { ...defaults.channelDocuments }, ...overrides };
}

interface OverridesRow {
  overrides: string;
}

export class SettingsStore {
  readonly #select;
  readonly #upsert;
  readonly #update;
  readonly #reset;
  readonly #guilds;

  constructor(
    db: SqliteDatabase,
    private readonly logger: Logger,
    private readonly now: () => number,
    /** What a server that changed nothing gets. */
    readonly defaults: Readonly<GuildSettings> = DEFAULT_GUILD_SETTINGS,
  ) {
    this.#select = db.prepare<[string], OverridesRow>('SELECT overrides FROM guild_settings WHERE guild_id = ?');
    this.#upsert = db.prepare<[string, string, number]>(
      `INSERT INTO guild_settings (guild_id, overrides, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (guild_id) DO UPDATE SET overrides = excluded.overrides, updated_at = excluded.updated_at`,
    );
    this.#guilds = db.prepare<[], string>('SELECT guild_id FROM guild_settings').pluck();
    this.#update = db.transaction((guildId: string, patch: GuildSettingsPatch) => {
      const overrides = { ...this.#overrides(guildId), ...patch };
      this.#upsert.run(guildId, JSON.stringify(overrides), this.now());
      return withDefaults(this.defaults, overrides);
    });
    this.#reset = db.transaction((guildId: string, keys: readonly SettingKey[] | undefined) => {
      const overrides = this.#overrides(guildId);
      for (const key of keys ?? SETTING_KEYS) delete overrides[key];
      this.#upsert.run(guildId, JSON.stringify(overrides), this.now());
      return withDefaults(this.defaults, overrides);
    });
  }

  /** The server's settings: its overrides merged over the defaults. */
  get(guildId: string): GuildSettings {
    return withDefaults(this.defaults, this.#overrides(guildId));
  }

  /**
   * Changes some settings and returns the result. Validation happens before anything is
   * written; the read-modify-write runs under the write lock (`BEGIN IMMEDIATE`), so two
   * processes updating different settings of one server do not overwrite each other.
   */
  update(guildId: string, patch: GuildSettingsPatch): GuildSettings {
    const valid = parseSettingsPatch(patch);
    return this.#update.immediate(guildId, valid);
  }

  /** Puts the given settings (all when omitted) back to their defaults. */
  reset(guildId: string, keys?: readonly SettingKey[]): GuildSettings {
    return this.#reset.immediate(guildId, keys);
  }

  /** Servers that changed at least one setting at some point. */
  guildsWithOverrides(): string[] {
    return this.#guilds.all();
  }

  /**
   * The stored overrides, each validated again: a value an older build accepted but this
   * one does not (a narrowed range) falls back to the default instead of breaking the server.
   */
  #overrides(guildId: string): GuildSettingsPatch {
    const row = this.#select.get(guildId);
    if (!row) return {};
    let stored: unknown;
    try {
      stored = JSON.parse(row.overrides);
    } catch {
      stored = {};
    }
    const out: Record<string, unknown> = {};
    if (typeof stored !== 'object' || stored === null) return out;
    for (const [key, value] of Object.entries(stored)) {
      const schema = (settingsShape as Record<string, z.ZodTypeAny>)[key];
      const parsed = schema?.safeParse(value);
      if (parsed?.success) out[key] = parsed.data;
      else this.logger.warn({ guildId, key }, 'ignoring an invalid stored setting; using the default');
    }
    return out as GuildSettingsPatch;
  }
}
