/**
 * `npm run bench`: the app's budgets, measured in the same Chromium the end-to-end tests use,
 * printed as figures (not a pass/fail test):
 * - JavaScript loaded before the inspector's first screen (gzip), budget ≤ 130 kB (issue #16);
 * - offline cold start to an interactive checklist at 4× CPU throttling, truly cold (a new
 *   browser process, no service worker running, network off, server gone; until the first grade
 *   control is enabled and painted), budget ≤ 1.0 s median, aim 0.7 s; beside it the old,
 *   friendlier row (service worker kept alive between runs) — scripts/bench/cold-start.ts;
 * - a 12 MP photo from the file input to stored (e2e/harness/photo-bench.ts), budget ≤ 1.5 s,
 *   no main-thread task over 50 ms, ≤ 400 kB;
 * - sync (scripts/bench/sync-bench.ts): photo sync throughput against a plain fetch loop of the
 *   same requests, ratio target ≥ 0.8, and the time to drain 100 inspections with 300 photos.
 *
 *   CIVIC_BENCH_ONLY=first-load,cold-start npm run bench   # some sections only (also: photo, sync)
 */
import path from 'node:path';
import config from '../playwright.config';
import { runPhotoBench } from '../e2e/harness/photo-bench';
import { ensureAppBuild } from '../src/server/app-build';
import { PROJECT_ROOT } from '../src/server/config';
import { measureOfflineColdStart } from './bench/cold-start';
import { measureFirstLoad } from './bench/first-load';
import { runSyncBenchInOwnBrowser } from './bench/sync-bench';

const only = process.env.CIVIC_BENCH_ONLY?.split(',');
const runs = (section: string) => !only || only.includes(section);

const distDir = path.join(PROJECT_ROOT, 'dist');
await ensureAppBuild(PROJECT_ROOT, distDir, console.log);

if (runs('first-load')) {
  const firstLoad = measureFirstLoad(distDir);
  console.log(
    '\nFirst-load JavaScript: the entry script of index.html and the chunks it imports statically, gzip -9 (budget ≤ 130 kB)',
  );
  for (const file of firstLoad.files)
    console.log(
      `  ${file.file.padEnd(44)} ${(file.bytes / 1024).toFixed(1).padStart(7)} kB  gzip ${(file.gzip / 1024).toFixed(1).padStart(6)} kB`,
    );
  console.log(`  total gzip ${(firstLoad.totalGzip / 1024).toFixed(1)} kB`);
}

if (runs('cold-start')) {
  const cold = await measureOfflineColdStart(config.use?.launchOptions ?? {});
  console.log(
    '\nOffline cold start to an interactive checklist, 4× CPU, truly cold: a new browser process each run (no service worker running), network off, server gone; navigation start → first grade control enabled and painted (budget ≤ 1000 ms median, aim 700)',
  );
  console.log(
    `  runs ${cold.cold.map((run) => run.ms).join(', ')} ms; median ${cold.coldMedianMs} ms; longest main-thread task before it ${cold.cold.map((run) => run.longestTaskMs).join(', ')} ms`,
  );
  console.log(
    '  friendly (the old row: service worker kept running between runs, a new tab each run; page.goto → first grade control enabled)',
  );
  console.log(`  runs ${cold.friendlyMs.join(', ')} ms; median ${cold.friendlyMedianMs} ms`);
}

if (runs('photo')) {
  console.log('\n12 MP photo, file input to stored (budget ≤ 1500 ms, no main-thread task > 50 ms, ≤ 400 kB)');
  await runPhotoBench({ log: (line) => console.log(`  ${line}`) });
}

if (runs('sync')) {
  console.log('\nSync: photo throughput against a plain fetch loop (target ratio ≥ 0.8); 100 inspections drained');
  await runSyncBenchInOwnBrowser({ log: (line) => console.log(`  ${line}`) });
}
