/**
 * `npm run bench`: the app's budgets, measured in the same Chromium the end-to-end tests use,
 * printed as figures (not a pass/fail test):
 * - JavaScript loaded before the inspector's first screen (gzip), budget ≤ 150 kB;
 * - offline cold start to an interactive checklist at 4× CPU throttling, budget ≤ 1.0 s;
 * - a 12 MP photo from the file input to stored (e2e/harness/photo-bench.ts), budget ≤ 1.5 s,
 *   no main-thread task over 50 ms, ≤ 400 kB;
 * - sync (scripts/bench/sync-bench.ts): photo sync throughput against a plain fetch loop of the
 *   same requests, ratio target ≥ 0.8, and the time to drain 100 inspections with 300 photos.
 */
import path from 'node:path';
import { chromium } from '@playwright/test';
import config from '../playwright.config';
import { runPhotoBench } from '../e2e/harness/photo-bench';
import { ensureAppBuild } from '../src/server/app-build';
import { PROJECT_ROOT } from '../src/server/config';
import { measureOfflineColdStart } from './bench/cold-start';
import { measureFirstLoad } from './bench/first-load';
import { runSyncBenchInOwnBrowser } from './bench/sync-bench';

const distDir = path.join(PROJECT_ROOT, 'dist');
await ensureAppBuild(PROJECT_ROOT, distDir, console.log);

const firstLoad = measureFirstLoad(distDir);
console.log('\nFirst-load JavaScript (gzip, budget ≤ 150 kB)');
for (const file of firstLoad.files)
  console.log(
    `  ${file.file.padEnd(44)} ${(file.bytes / 1024).toFixed(1).padStart(7)} kB  gzip ${(file.gzip / 1024).toFixed(1).padStart(6)} kB`,
  );
console.log(`  total gzip ${(firstLoad.totalGzip / 1024).toFixed(1)} kB`);

const browser = await chromium.launch(config.use?.launchOptions ?? {});
try {
  const cold = await measureOfflineColdStart(browser);
  console.log('\nOffline cold start to an interactive checklist, 4× CPU (budget ≤ 1000 ms)');
  console.log(`  runs ${cold.runsMs.join(', ')} ms; median ${cold.medianMs} ms`);
} finally {
  await browser.close();
}

console.log('\n12 MP photo, file input to stored (budget ≤ 1500 ms, no main-thread task > 50 ms, ≤ 400 kB)');
await runPhotoBench({ log: (line) => console.log(`  ${line}`) });

console.log('\nSync: photo throughput against a plain fetch loop (target ratio ≥ 0.8); 100 inspections drained');
await runSyncBenchInOwnBrowser({ log: (line) => console.log(`  ${line}`) });
