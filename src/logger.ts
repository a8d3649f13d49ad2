/**
 * One pino logger per process. JSON in production; pretty when a person is watching (a TTY)
 * or LOG_PRETTY says so. Secrets are redacted wherever they appear in logged objects.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out before a line is written. */
export const REDACT_PATHS = ['token', '*.token', '*.*.token', 'DISCORD_TOKEN', '*.DISCORD_TOKEN', 'headers.authorization', '*.headers.authorization', 'config.DISCORD_TOKEN'];

/** An interaction's or webhook's token in a Discord URL: `/interactions/<id>/<token>/…`, `/webhooks/<appId>/<token>/…`. */
const URL_TOKEN = /(\/(?:interactions|webhooks)\/[^/?#]+\/)[^/?#]+/g;

/**
 * Errors as pino's standard serializer writes them, minus what must not reach a log.
 * discord.js's DiscordAPIError and HTTPError carry `url`, which holds the interaction or
 * webhook token (anyone with it can post as the bot for 15 minutes), and `requestBody`: the
 * message sent, with the member's question and attached files as byte arrays. The token is
 * masked and the body left out; the status, code, method and route part of `url` stay.
 */
export function serializeError(value: unknown): unknown {
  const serialized = value instanceof Error ? pino.stdSerializers.err(value) : value;
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const { requestBody: _left, ...rest } = serialized as Record<string, unknown>;
  if (typeof rest.url === 'string') rest.url = rest.url.replace(URL_TOKEN, '$1[redacted]');
  return rest;
}

/** Redaction and serializers every logger shares: the bot's, the command line's, the tests'. */
export const LOGGER_OPTIONS = {
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  serializers: { err: serializeError, error: serializeError },
} satisfies pino.LoggerOptions;

export interface LoggerOptions {
  level?: string;
  /** 'auto' (default): pretty when the destination is a terminal. */
  pretty?: 'auto' | '1' | '0' | 'true' | 'false';
  /** File descriptor to write to: 1 (stdout, the bot) or 2 (stderr, the command line). */
  fd?: 1 | 2;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const fd = options.fd ?? 1;
  const pretty = options.pretty === '1' || options.pretty === 'true' || ((options.pretty ?? 'auto') === 'auto' && Boolean(fd === 1 ? process.stdout.isTTY : process.stderr.isTTY));
  const base = { level: options.level ?? 'info', name: options.name ?? 'verbatim', ...LOGGER_OPTIONS };
  if (pretty) {
    return pino(base, pino.transport({ target: 'pino-pretty', options: { destination: fd, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,name' } }));
  }
  return pino(base, pino.destination({ fd, sync: fd === 2 }));
}
