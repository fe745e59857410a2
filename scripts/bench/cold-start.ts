/**
 * Offline cold start to an interactive checklist (issue #16), two rows:
 *
 * - truly cold (the budget's row): after one online visit (sign-in, the site opened once), the
 *   server is stopped. Each run starts a new browser process on the same profile — no service
 *   worker running, nothing in memory, as on a phone that closed the app — cuts the network,
 *   throttles the CPU 4× from before the navigation, and opens the checklist URL. Timed in the
 *   page, from navigation start (performance.now()'s origin) to the first frame painted after
 *   the first grade control is present and enabled (a MutationObserver notes the moment; then
 *   requestAnimationFrame and a task after it: the frame with the control has been painted).
 *   Also the longest main-thread task before that moment (Long Tasks API, > 50 ms).
 * - friendly (the old row, kept for comparison): the same browser throughout, its service worker
 *   kept running between runs, a new tab each run; timed from Node around page.goto to the first
 *   grade control visible and enabled.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type LaunchOptions } from '@playwright/test';
import { ChecklistPage } from '../../e2e/pages/checklist.page';
import { SignInPage } from '../../e2e/pages/sign-in.page';
import { ApiSeeder } from '../../e2e/fixtures/seed';
import { ServerProcess } from '../../e2e/fixtures/server';

export interface ColdStartRun {
  ms: number;
  longestTaskMs: number;
}

export interface ColdStart {
  /** Truly cold: a new browser process each run, no service worker running. */
  cold: ColdStartRun[];
  coldMedianMs: number;
  /** Friendly: the service worker kept alive, a new tab each run. */
  friendlyMs: number[];
  friendlyMedianMs: number;
}

const CONTEXT_OPTIONS = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;

/**
 * In the page, before any of its scripts: notes when the first grade control is enabled and
 * painted. A string, not a function: tsx would wrap a function's inner functions in helpers that
 * do not exist in the page.
 */
const WATCH_FIRST_GRADE = `(() => {
  const state = { readyMs: -1, longestTaskMs: 0 };
  window.__coldStart = state;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        if (state.readyMs < 0) state.longestTaskMs = Math.max(state.longestTaskMs, entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  let seen = false;
  const observer = new MutationObserver(() => {
    if (seen) return;
    const grade = document.querySelector('#item-T01 [role="radio"]');
    if (!grade || grade.disabled) return;
    seen = true;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => (state.readyMs = performance.now())));
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
})();`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function measureOfflineColdStart(launchOptions: LaunchOptions, runs = 5): Promise<ColdStart> {
  const server = new ServerProcess();
  await server.start();
  const profile = await mkdtemp(path.join(os.tmpdir(), 'civic-cold-start-'));
  const launch = () =>
    chromium.launchPersistentContext(profile, { ...launchOptions, ...CONTEXT_OPTIONS, baseURL: server.url });
  let context: BrowserContext | undefined;
  try {
    const seed = new ApiSeeder(server.url);
    await seed.signInAdmin();
    const inspector = await seed.user('bench.inspector', 'inspector', '测评员');
    const { roundId, siteId } = await seed.stationRound(inspector.id);
    const url = `/inspect/${roundId}/${siteId}`;

    // The online visit: signed in, the service worker installed, the site opened once.
    context = await launch();
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await new SignInPage(page).signIn(inspector.username, inspector.password);
    await page.getByRole('heading', { name: '我的点位' }).waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.goto(url);
    await new ChecklistPage(page).item('T01').getByRole('radio').first().waitFor();
    await server.stop();

    // Friendly: the same browser, the service worker kept running, a new tab each run.
    await context.setOffline(true);
    const friendlyMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      const tab = await context.newPage();
      const cdp = await context.newCDPSession(tab);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      const started = Date.now();
      await tab.goto(url);
      await new ChecklistPage(tab).item('T01').getByRole('radio').first().waitFor({ state: 'visible' });
      await tab.waitForFunction(() => !document.querySelector<HTMLButtonElement>('#item-T01 [role="radio"]')?.disabled);
      friendlyMs.push(Date.now() - started);
      await tab.close();
    }
    await context.close();
    context = undefined;

    // Truly cold: a new browser process on the same profile each run.
    const cold: ColdStartRun[] = [];
    for (let run = 0; run < runs; run++) {
      context = await launch();
      await context.setOffline(true);
      await context.addInitScript(WATCH_FIRST_GRADE);
      const tab = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(tab);
      // No worker may survive from the profile's last session (a new process has none anyway).
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await tab.goto(url, { waitUntil: 'commit' });
      const handle = await tab.waitForFunction(
        () => {
          const state = (window as unknown as { __coldStart?: { readyMs: number; longestTaskMs: number } }).__coldStart;
          return state && state.readyMs >= 0 ? state : undefined;
        },
        undefined,
        { timeout: 60_000, polling: 50 },
      );
      const state = (await handle.jsonValue()) as { readyMs: number; longestTaskMs: number };
      cold.push({ ms: Math.round(state.readyMs), longestTaskMs: Math.round(state.longestTaskMs) });
      await context.close();
      context = undefined;
    }
    return {
      cold,
      coldMedianMs: median(cold.map((run) => run.ms)),
      friendlyMs,
      friendlyMedianMs: median(friendlyMs),
    };
  } finally {
    await context?.close();
    await server.dispose();
    await rm(profile, { recursive: true, force: true });
  }
}
