/** How start-up failures are reported: exit codes, and one readable line for login failures. */
import { isEntryPoint } from '../entryPoint.js';
import { ConfigError, missingTokenHelp, type BotConfig } from '../config.js';

import { EXIT } from '../exitCodes.js';

/** sysexits.h EX_CONFIG: the settings (or the token, or the data folder) need fixing. */
const EXIT_CONFIG = EXIT.config;
export const EXIT_FAILED = EXIT.failed;

/** A failure explained in one line, with the exit code it deserves. */
export interface ExplainedFailure {
  message: string;
  /** EXIT_CONFIG when the settings need fixing (token, intents), EXIT_FAILED otherwise (network). */
  exitCode: number;
}

/** A login failure as one line, or undefined when it is not one we can explain. */
export function explainLoginError(error: unknown, config: Pick<BotConfig, 'QA_CHANNEL_IDS'>): ExplainedFailure | undefined {
  const code = (error as { code?: unknown })?.code;
  if (code === 'TokenInvalid' || (error as { status?: number })?.status === 401) {
    return { exitCode: EXIT_CONFIG, message: 'Discord rejected DISCORD_TOKEN (401 Unauthorized): copy the token again from the developer portal (your application → Bot → Reset Token) into .env.' };
  }
  if (code === 'DisallowedIntents' || /disallowed intent/i.test(String((error as Error)?.message))) {
    return {
      exitCode: EXIT_CONFIG,
      message: config.QA_CHANNEL_IDS.length
        ? 'Discord refused the Message Content intent, which QA_CHANNEL_IDS needs: enable "Message Content Intent" under your application → Bot in the developer portal, or unset QA_CHANNEL_IDS.'
        : 'Discord refused a privileged intent: check the intents enabled under your application → Bot in the developer portal.',
    };
  }
  const network = (error as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ?? code;
  if (typeof network === 'string' && /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT)$/.test(network)) {
    return { exitCode: EXIT_FAILED, message: `could not reach Discord (${network}): check the network, or DISCORD_API_URL if the bot uses a REST proxy.` };
  }
  return undefined;
}

/** Writes one `error:` line to stderr and returns the exit code, for an entry point to end with. */
export function reportFailure(message: string, exitCode: number): number {
  process.stderr.write(`error: ${message}\n`);
  return exitCode;
}

/** What a bot token is made of: printable ASCII without spaces (base64url parts joined by dots). */
const TOKEN_CHARACTERS = /^[\x21-\x7E]+$/;

/**
 * The settings of an entry point that needs the bot token. A settings mistake or a missing
 * token is said on stderr, and the exit code (EX_CONFIG) comes back instead.
 */
export function settingsWithToken<C extends { DISCORD_TOKEN?: string | undefined }>(load: () => C, command: string): { config: C; token: string } | number {
  let config: C;
  try {
    config = load();
  } catch (error) {
    if (error instanceof ConfigError) return reportFailure(error.message, EXIT_CONFIG);
    throw error;
  }
  if (!config.DISCORD_TOKEN) return reportFailure(missingTokenHelp(command), EXIT_CONFIG);
  // Checked here, before the model loads: such a token fails deep inside the HTTP client otherwise.
  if (!TOKEN_CHARACTERS.test(config.DISCORD_TOKEN)) {
    return reportFailure('DISCORD_TOKEN contains spaces, line breaks or other characters a Discord token never has: copy it again from the developer portal (your application → Bot → Reset Token) into .env, on one line.', EXIT_CONFIG);
  }
  return { config, token: config.DISCORD_TOKEN };
}

/**
 * Runs an entry point when its file is the one node was started with. A non-zero code
 * exits; zero leaves the process to what still runs (a bot's gateway keeps it alive).
 */
export function runEntryPoint(moduleUrl: string, main: () => Promise<number>): void {
  if (!isEntryPoint(moduleUrl)) return;
  main().then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`error: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(EXIT_FAILED);
    },
  );
}
