import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Loading the ONNX runtime and building native indexes is slow on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One temporary folder per run, removed at its end (test/globalSetup.ts).
    globalSetup: ['test/globalSetup.ts'],
  },
});
