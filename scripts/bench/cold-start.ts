/**
 * Offline cold start to an interactive checklist: after one online visit (sign-in, the site
 * opened once), the server is stopped and the network cut; then a fresh page, CPU throttled 4×
 * through DevTools, opens the checklist URL. Timed from navigation to the first grade button
 * being visible and enabled, median of several runs.
 */
import type { Browser } from '@playwright/test';
import { ChecklistPage } from '../../e2e/pages/checklist.page';
import { SignInPage } from '../../e2e/pages/sign-in.page';
import { ApiSeeder } from '../../e2e/fixtures/seed';
import { ServerProcess } from '../../e2e/fixtures/server';

export interface ColdStart {
  runsMs: number[];
  medianMs: number;
}

export async function measureOfflineColdStart(browser: Browser, runs = 5): Promise<ColdStart> {
  const server = new ServerProcess();
  await server.start();
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  try {
    const seed = new ApiSeeder(server.url);
    await seed.signInAdmin();
    const inspector = await seed.user('bench.inspector', 'inspector', '测评员');
    const { roundId, siteId } = await seed.stationRound(inspector.id);
    const url = `/inspect/${roundId}/${siteId}`;

    const page = await context.newPage();
    await page.goto('/');
    await new SignInPage(page).signIn(inspector.username, inspector.password);
    await page.getByRole('heading', { name: '我的点位' }).waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.goto(url);
    await new ChecklistPage(page).item('T01').getByRole('radio').first().waitFor();
    await page.close();

    await server.stop();
    await context.setOffline(true);
    const runsMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      const cold = await context.newPage();
      const cdp = await context.newCDPSession(cold);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      const started = Date.now();
      await cold.goto(url);
      const firstGrade = new ChecklistPage(cold).item('T01').getByRole('radio').first();
      await firstGrade.waitFor({ state: 'visible' });
      await cold.waitForFunction(
        () => !document.querySelector<HTMLButtonElement>('#item-T01 [role="radio"]')?.disabled,
      );
      runsMs.push(Date.now() - started);
      await cold.close();
    }
    const sorted = [...runsMs].sort((a, b) => a - b);
    return { runsMs, medianMs: sorted[Math.floor(sorted.length / 2)]! };
  } finally {
    await context.close();
    await server.dispose();
  }
}
