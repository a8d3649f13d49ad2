/**
 * When the bot must stop, however it was started. A process manager signals in different ways:
 * systemd sends SIGTERM to the whole process group (so the bot gets it once directly and once
 * more relayed by npm or tsx, within milliseconds), a terminal sends SIGINT or SIGHUP, and
 * `kill <npm's pid>` reaches npm alone, which exits and leaves its children running. So:
 *
 * - SIGTERM, SIGINT and SIGHUP start a graceful stop. The same signal arriving again within
 *   `SIGNAL_ECHO_MS` is that relay, not a second request; later, a second signal means
 *   "now": the process exits at once.
 * - The processes that launched the bot (its ancestors in its process group: npm, sh, tsx)
 *   and the IPC channel of a parent (a shard manager, tsx) are watched: when one goes, the
 *   bot stops as if signalled, instead of living on as an orphan.
 */
import fs from 'node:fs';
import { processAlive } from '../core/processAlive.js';

export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
/** A repeat of the first signal within this long is the same request relayed by a parent. */
export const SIGNAL_ECHO_MS = 1000;
/** How often the launching processes are checked. */
export const PARENT_POLL_MS = 500;

export interface StopWatch {
  /** Stops watching: signal handlers, the parent poll, the channel (for tests; a stopping bot keeps watching). */
  dispose(): void;
}

export interface StopHandlers {
  /** A graceful stop was asked for; called once. */
  stop(reason: string): void;
  /** A second request while stopping: exit now. */
  force(reason: string): void;
}

export function watchForStop(handlers: StopHandlers): StopWatch {
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  let stopped = false;
  const stop = (reason: string) => {
    if (stopped) return;
    stopped = true;
    handlers.stop(reason);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    const now = performance.now();
    if (!first) {
      first = { signal, at: now };
      stop(signal);
    } else if (signal === first.signal && now - first.at < SIGNAL_ECHO_MS) {
      // The same signal relayed by npm or tsx: already stopping.
    } else {
      handlers.force(`second signal (${signal})`);
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

  const launchers = launchingProcesses();
  const startPpid = process.ppid;
  const poll = setInterval(() => {
    const gone = process.ppid !== startPpid ? startPpid : launchers.find((pid) => !processAlive(pid));
    if (gone !== undefined) stop(`the process that started the bot (pid ${gone}) exited`);
  }, PARENT_POLL_MS);
  poll.unref();

  const onDisconnect = () => stop('the parent process closed its channel');
  if (process.channel) {
    process.on('disconnect', onDisconnect);
    // Watching the channel must not keep the process alive by itself.
    process.channel.unref();
  }
  return {
    dispose() {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      clearInterval(poll);
      process.off('disconnect', onDisconnect);
    },
  };
}

/**
 * The ancestors that launched this process: its parent, and further ancestors in the same
 * process group (npm → sh → tsx → node share one; the shell or supervisor above them does
 * not). Linux only (read from /proc); elsewhere, the parent alone.
 */
export function launchingProcesses(): number[] {
  const self = statOf(process.pid);
  if (!self) return [process.ppid];
  const pids: number[] = [];
  let pid = self.ppid;
  while (pid > 1 && pids.length < 16) {
    const stat = statOf(pid);
    if (!stat) break;
    if (pids.length > 0 && stat.pgrp !== self.pgrp) break;
    pids.push(pid);
    pid = stat.ppid;
  }
  return pids.length > 0 ? pids : [process.ppid];
}

/** Parent pid and process group of `pid`, from /proc/<pid>/stat (the name may hold spaces and parentheses). */
function statOf(pid: number): { ppid: number; pgrp: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}
