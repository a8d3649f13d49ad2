/**
 * The slice of a logger storage uses. pino's `Logger` satisfies it (`logger.warn(obj, msg)`),
 * so the adapters pass theirs in; tests and the CLI can leave it out.
 */
export interface StorageLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: StorageLogger = {
  info() {},
  warn() {},
};
