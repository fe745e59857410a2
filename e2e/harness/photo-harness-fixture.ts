/**
 * `test` with the photo harness built and served once per Playwright worker process
 * (`photoHarness.pageUrl`), and stopped when the worker ends.
 */
import { test as base } from '@playwright/test';
import { startPhotoHarness, type PhotoHarness } from './serve-harness';

export const test = base.extend<object, { photoHarness: PhotoHarness }>({
  photoHarness: [
    async ({}, use) => {
      const harness = await startPhotoHarness();
      await use(harness);
      await harness.close();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

export { expect } from '@playwright/test';
