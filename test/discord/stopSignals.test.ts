/** When a stop is asked for, and when a second request means "now" (see src/discord/stopSignals.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { launchingProcesses, SIGNAL_ECHO_MS, watchForStop, type StopWatch } from '../../src/discord/stopSignals.js';

let watch: StopWatch | undefined;
afterEach(() => watch?.dispose());

function record() {
  const calls: string[] = [];
  watch = watchForStop({ stop: (reason) => calls.push(`stop ${reason}`), force: (reason) => calls.push(`force ${reason}`) });
  return calls;
}

describe('stop signals', () => {
  it('one signal starts one graceful stop; the same signal relayed at once is not a second request', () => {
    const calls = record();
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM'); // the copy npm or tsx relays
    expect(calls).toEqual(['stop SIGTERM']);
  });

  it('another signal, or the same one after the echo window, forces the exit', async () => {
    const calls = record();
    process.emit('SIGHUP', 'SIGHUP');
    process.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual(['stop SIGHUP', 'force second signal (SIGINT)']);
    await new Promise((r) => setTimeout(r, SIGNAL_ECHO_MS + 50));
    process.emit('SIGHUP', 'SIGHUP');
    expect(calls.at(-1)).toBe('force second signal (SIGHUP)');
  });

  it('knows the processes that launched it: at least its parent', () => {
    const launchers = launchingProcesses();
    expect(launchers[0]).toBe(process.ppid);
  });
});
