import { defineConfig } from 'vitest/config';

/**
 * Unit and component tests. The default environment is node (domain, server, scripts); a
 * component test opts into the DOM with `// @vitest-environment happy-dom` at the top of its file.
 * Dexie/Blob tests stay in node with fake-indexeddb: happy-dom's Blob does not survive IndexedDB.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts', 'e2e/fixtures/**/*.test.ts'],
    environment: 'node',
    // Starts a throwaway PostgreSQL so storage and API suites also run on the second engine.
    globalSetup: ['src/server/storage/pg-global-setup.ts'],
  },
});
