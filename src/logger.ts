/**
 * One pino logger per process. JSON in production; pretty when a person is watching (a TTY)
 * or LOG_PRETTY says so. Secrets are redacted wherever they appear in logged objects.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out before a line is written. */
export const REDACT_PATHS = ['token', '*.token', '*.*.token', 'DISCORD_TOKEN', '*.DISCORD_TOKEN', 'headers.authorization', '*.headers.authorization', 'config.DISCORD_TOKEN'];

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
  const base = { level: options.level ?? 'info', name: options.name ?? 'verbatim', redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (pretty) {
    return pino(base, pino.transport({ target: 'pino-pretty', options: { destination: fd, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,name' } }));
  }
  return pino(base, pino.destination({ fd, sync: fd === 2 }));
}
