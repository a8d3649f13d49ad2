/**
 * Clean-up for the Discord test files. Apart from helpers.ts, which `npm run screenshots`
 * imports outside vitest (where vitest's hooks cannot be imported).
 */
import fs from 'node:fs';
import { afterAll } from 'vitest';
import type { RunningBot } from './helpers.js';

/**
 * After a file's tests: stops its bot and fake Discord, closes its engine and removes its
 * folder. `current` is read then, as the bot and engine are made in a `beforeAll`.
 */
export function cleanUpAfterAll(current: () => { run: RunningBot | undefined; engine: { close(): Promise<void> } | undefined }, folder: string): void {
  afterAll(async () => {
    const { run, engine } = current();
    await run?.stop();
    await engine?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });
}
