/**
 * Every exit code a Verbatim command ends with, in one place (the README's "Exit codes"
 * table lists the same; test/exitCodes.test.ts keeps the two in step).
 *
 * 78 is EX_CONFIG from sysexits.h: restarting cannot fix a missing token, a setting out of
 * range or a corrupt database, so supervisors are told not to restart on it (systemd:
 * `RestartPreventExitStatus=78`; pm2: `stop_exit_codes: [78]`).
 */
export const EXIT = {
  /** Done: an answer, an honest refusal, `--help`, a clean shutdown. */
  ok: 0,
  /** Failed: an unreadable file, a missing model, Discord unreachable, an unexpected error. */
  failed: 1,
  /** Wrong usage: an unknown option or a bad value; the usage is printed. */
  usage: 2,
  /** The settings need fixing: missing or rejected token, invalid .env value, unusable database, stale build. */
  config: 78,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
