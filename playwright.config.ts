/**
 * End-to-end tests in Debian's Chromium (browsers cannot be downloaded here) against the real
 * server, which each test starts itself (e2e/fixtures/server.ts) so it can stop it to be
 * really offline. The app is built once in global setup.
 */
import { defineConfig } from '@playwright/test';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Specs of the supervisor workspace: run in the desktop project only. */
const OFFICE_SPECS = /office[^/]*\.spec\.ts$/;

export default defineConfig({
  testDir: 'e2e',
  // The specs and their helpers are tools: the root tsconfig.json only lists the layers, and the
  // app's own (tsconfig.app.json) maps two packages to type-only files a spec cannot run.
  tsconfig: './tsconfig.tools.json',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/fixtures/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  outputDir: 'test-results/playwright',
  use: {
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    {
      name: 'phone',
      testIgnore: OFFICE_SPECS,
      use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    },
    {
      // The office workspace is for supervisors at a desk.
      name: 'desktop',
      testMatch: OFFICE_SPECS,
      use: { viewport: { width: 1440, height: 900 }, acceptDownloads: true },
    },
  ],
});
