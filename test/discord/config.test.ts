/** The bot's settings: every one documented in .env.example, validated once, all problems listed. */
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { GatewayIntentBits } from 'discord.js';
import { botSchema, ConfigError, parseConfig } from '../../src/config.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { botIntents } from '../../src/discord/createBot.js';

const example = fs.readFileSync(path.join(PROJECT_ROOT, '.env.example'), 'utf8');

describe('bot settings', () => {
  it('.env.example lists every setting, each with a comment, and its values are valid', () => {
    const documented = dotenv.parse(example);
    expect(Object.keys(documented).sort()).toEqual(Object.keys(botSchema.shape).sort());
    for (const key of Object.keys(documented)) expect(example).toMatch(new RegExp(`#[^\\n]*\\n(#[^\\n]*\\n)*${key}=`));
    expect(() => parseConfig(botSchema, { ...documented, DISCORD_TOKEN: 'x' })).not.toThrow();
  });

  it('parses lists and numbers, and applies defaults', () => {
    const config = parseConfig(botSchema, { QA_CHANNEL_IDS: ' 11111111111111111, 22222222222222222 ', PASSAGES_PER_ANSWER: '5' });
    expect(config).toMatchObject({ QA_CHANNEL_IDS: ['11111111111111111', '22222222222222222'], PASSAGES_PER_ANSWER: 5, DEFER_AFTER_MS: 1000, MAX_QUESTION_LENGTH: 500, SHARD_COUNT: 'auto' });
    expect(config.DISCORD_TOKEN).toBeUndefined();
  });

  it('lists every problem at once', () => {
    const error = (() => {
      try {
        parseConfig(botSchema, { DEFER_AFTER_MS: '5000', DISCORD_GUILD_ID: 'my-server', SHARD_COUNT: 'many' });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => p.split(':')[0])).toEqual(['DISCORD_GUILD_ID', 'DEFER_AFTER_MS', 'SHARD_COUNT']);
  });

  it('requests the privileged MessageContent intent only when QA_CHANNEL_IDS is set', () => {
    expect(botIntents({ QA_CHANNEL_IDS: [] })).not.toContain(GatewayIntentBits.MessageContent);
    expect(botIntents({ QA_CHANNEL_IDS: ['11111111111111111'] })).toContain(GatewayIntentBits.MessageContent);
  });
});
