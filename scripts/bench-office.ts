/**
 * `npm run bench:office`: figures for the supervisor workspace with a round of 10,000
 * inspections, printed as a table (not a test: nothing fails on a slow machine).
 *
 * 1. Fill a temp DATA_DIR through the server's own code: a supervisor and 8 inspectors,
 *    10,000 sites in 12 districts (12 centers, 960 institutes, 9,028 stations), one round with
 *    every site assigned, and 10,000 inspections through `putInspection` (70 % full marks, 20 %
 *    a small deduction, 10 % two items missing: under 90, so rectifications) with real JPEG
 *    evidence photos. Not timed.
 * 2. Start the real server (`src/server/cli.ts`, the built app) on that folder, and time the
 *    office's endpoints over HTTP (median of 5): report, results with grades, the full inspection
 *    feed, an empty `since` poll.
 * 3. In Debian's Chromium (1440 × 900), signed in as the supervisor:
 *    - the report page loaded cold (a fresh page load of /office/rounds/{id}/report) and by its
 *      tab once the round is open — until the tables are on screen; and the part of that after
 *      the report's data arrived (rendering);
 *    - the results list: time until the first rows show; scrolling it — a brisk wheel (200 px a
 *      frame) and a fling through all 10,000 rows (600 px a frame) — with frame times (mean,
 *      p95, max, frames over 25 ms) and the number of rows in the DOM; sorting by score and a
 *      search, from the click or keystroke to the next frame showing the new rows.
 *
 *   npm run bench:office
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { chromium, type Page } from '@playwright/test';
import { sql } from 'kysely';
import { SITE_TYPES, type RubricItem, type SiteType } from '../src/domain/rubric';
import { withJpegComment } from '../src/domain/test-jpeg';
import { inspectionSchema, type InspectionInput, type User } from '../src/domain/wire';
import { ensureAppBuild } from '../src/server/app-build';
import type { SignedInUser } from '../src/server/auth/guard';
import { createUser } from '../src/server/auth/users';
import { PROJECT_ROOT } from '../src/server/config';
import type { ServerContext } from '../src/server/context';
import { loadRubrics } from '../src/server/rubric-store';
import { putInspection } from '../src/server/services/inspections';
import { recordUpload } from '../src/server/services/photo-uploads';
import { openDatabase } from '../src/server/storage/database';
import { createPhotoStore } from '../src/server/storage/photo-store';

/** `BENCH_OFFICE_INSPECTIONS=100000` for a province's round (#21); the default stays a city's. */
const INSPECTIONS = Number(process.env.BENCH_OFFICE_INSPECTIONS ?? 10_000);
const DISTRICTS = 12;
const INSTITUTES_PER_DISTRICT = 80;
const INSPECTORS = 8;
/** #21: an inspector (or rechecker) assigned to 2,000 sites, beside the round's own inspectors. */
const WIDE_ASSIGNMENT = 2_000;
const PASSWORD = 'bench-password';
const ROUND_ID = 'bench-office';
const RUNS = 5;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PHOTO = path.join(PROJECT_ROOT, 'e2e', 'fixtures', 'photos', 'ordinary-640x480.jpg');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${Math.round(value)} ms`;

/** The fixture JPEG with a COM segment naming it: a valid photo with a hash of its own. */
function evidenceJpeg(label: string): Buffer {
  return Buffer.from(withJpegComment(readFileSync(PHOTO), `${label} ${randomBytes(6).toString('hex')}`).buffer);
}

type Profile = 'full' | 'minor' | 'poor';
const profileOf = (index: number): Profile => (index % 10 === 0 ? 'poor' : index % 10 <= 2 ? 'minor' : 'full');

async function fill(dataDir: string) {
  const rubrics = await loadRubrics(path.join(PROJECT_ROOT, 'rubric'));
  const storage = await openDatabase({ dataDir });
  const ctx: ServerContext = {
    db: storage.db,
    engine: storage.engine,
    photos: createPhotoStore(dataDir),
    rubrics,
    now: () => new Date(),
  };
  const now = new Date();
  await createUser(
    storage.db,
    { username: 'bench-office', password: PASSWORD, displayName: '压测创文办', role: 'supervisor' },
    now,
  );
  const inspectors: User[] = [];
  for (let n = 1; n <= INSPECTORS; n++)
    inspectors.push(
      await createUser(
        storage.db,
        { username: `bench-ceping${n}`, password: PASSWORD, displayName: `测评员${n}号`, role: 'inspector' },
        now,
      ),
    );

  // Also assigned to the first 2,000 sites (each keeps its own inspector too): whose bootstrap is timed.
  const wide = await createUser(
    storage.db,
    { username: 'bench-ceping-wide', password: PASSWORD, displayName: '测评员（2000个点位）', role: 'inspector' },
    now,
  );

  // Sites: per district a center, 80 institutes, the rest stations.
  const sites: { id: string; name: string; type: SiteType; district: string }[] = [];
  for (let d = 0; d < DISTRICTS; d++) {
    const district = `第${d + 1}区`;
    sites.push({ id: `D${d}-C`, name: `${district}新时代文明实践中心`, type: 'center', district });
    for (let i = 0; i < INSTITUTES_PER_DISTRICT; i++)
      sites.push({ id: `D${d}-I${i}`, name: `${district}第${i + 1}街道新时代文明实践所`, type: 'institute', district });
  }
  for (let s = 0; sites.length < INSPECTIONS; s++) {
    const district = `第${(s % DISTRICTS) + 1}区`;
    sites.push({ id: `S${s}`, name: `${district}第${s + 1}社区新时代文明实践站`, type: 'station', district });
  }
  const updatedAt = now.toISOString();
  await sql`pragma synchronous = OFF`.execute(storage.db);
  for (let start = 0; start < sites.length; start += 500) {
    await storage.db
      .insertInto('sites')
      .values(
        sites.slice(start, start + 500).map((site) => ({
          ...site,
          parent_id: null,
          address: null,
          lat: null,
          lng: null,
          updated_at: updatedAt,
        })),
      )
      .execute();
  }
  await storage.db
    .insertInto('rounds')
    .values({
      id: ROUND_ID,
      name: '压测：一万份测评',
      rubric_version: '2021',
      rectify_below: 90,
      rectify_days: 15,
      starts_on: '2021-07-05',
      ends_on: '2021-07-31',
      created_at: updatedAt,
    })
    .execute();
  for (let start = 0; start < sites.length; start += 500) {
    await storage.db
      .insertInto('assignments')
      .values(
        sites.slice(start, start + 500).map((site, i) => ({
          round_id: ROUND_ID,
          site_id: site.id,
          user_id: inspectors[(start + i) % INSPECTORS]!.id,
        })),
      )
      .execute();
  }
  const wideSites = sites.slice(0, WIDE_ASSIGNMENT);
  for (let start = 0; start < wideSites.length; start += 500)
    await storage.db
      .insertInto('assignments')
      .values(
        wideSites.slice(start, start + 500).map((site) => ({ round_id: ROUND_ID, site_id: site.id, user_id: wide.id })),
      )
      .execute();

  // Evidence photos, stored as the photo route stores them, uploaded by every inspector: an
  // inspection may only cite photos its author uploaded.
  const evidence: string[] = [];
  for (let n = 0; n < 40; n++) {
    const bytes = evidenceJpeg(`bench evidence ${n}`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const saved = await ctx.photos.savePhoto(sha256, Readable.from([bytes]));
    for (const inspector of inspectors)
      await recordUpload(storage.db.transaction(), saved, inspector.id, new Date(updatedAt));
    evidence.push(sha256);
  }

  // Which items each profile loses, per type: the cheapest one (minor), the two dearest (poor).
  const pick = (type: SiteType) => {
    const items = [...rubrics.get('2021')!.types[type].items];
    const byPoints = [...items].sort((a, b) => a.points - b.points);
    return { items, minor: byPoints[0]!.id, poor: [byPoints.at(-1)!.id, byPoints.at(-2)!.id] };
  };
  const plans = Object.fromEntries(SITE_TYPES.map((type) => [type, pick(type)])) as Record<
    SiteType,
    { items: RubricItem[]; minor: string; poor: string[] }
  >;
  const bodies = sites.map((site, index): InspectionInput => {
    const plan = plans[site.type];
    const profile = profileOf(index);
    const lost = profile === 'poor' ? plan.poor : profile === 'minor' ? [plan.minor] : [];
    const submitted = new Date(Date.UTC(2021, 6, 5 + (index % 20), 1, 0) + (index % 600) * 60_000);
    return {
      id: randomUUID(),
      revision: 1,
      roundId: ROUND_ID,
      siteId: site.id,
      rubricVersion: '2021',
      startedAt: new Date(submitted.getTime() - 40 * 60_000).toISOString(),
      submittedAt: submitted.toISOString(),
      location: { lat: 33.7 + (index % 100) / 1000, lng: 113.3 + (index % 77) / 1000, accuracy: 12 },
      answers: plan.items.map((item) =>
        lost.includes(item.id)
          ? { itemId: item.id, grade: 'C#', note: '未达标', photos: [evidence[index % evidence.length]!] }
          : { itemId: item.id, grade: 'A', photos: [] },
      ),
    };
  });
  const started = performance.now();
  for (const [index, body] of bodies.entries()) {
    const inspector = inspectors[index % INSPECTORS]!;
    const user: SignedInUser = { ...inspector, tokenHash: '' };
    await putInspection(ctx, user, inspectionSchema.parse(body));
  }
  const fillSeconds = (performance.now() - started) / 1000;
  await sql`pragma synchronous = FULL`.execute(storage.db);
  await storage.close();
  return { fillSeconds, sites: sites.length };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/server/cli.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_PASSWORD: 'bench-admin-pw' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; tries < 600; tries++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not start');
}

async function timeEndpoints(url: string) {
  const { token } = (await (
    await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench-office', password: PASSWORD }),
    })
  ).json()) as { token: string };
  const { token: inspectorToken } = (await (
    await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench-ceping1', password: PASSWORD }),
    })
  ).json()) as { token: string };
  const { token: wideToken } = (await (
    await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench-ceping-wide', password: PASSWORD }),
    })
  ).json()) as { token: string };
  const time = async (pathname: string, as = token) => {
    const runs: number[] = [];
    let bytes = 0;
    let body = Buffer.alloc(0);
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const response = await fetch(`${url}${pathname}`, { headers: { authorization: `Bearer ${as}` } });
      body = Buffer.from(await response.arrayBuffer());
      bytes = body.byteLength;
      if (!response.ok) throw new Error(`${pathname} → ${response.status}`);
      runs.push(performance.now() - started);
    }
    // gzip: what a reverse proxy that compresses (Caddy's `encode gzip`) sends a phone.
    return { ms: median(runs), bytes, gzipBytes: gzipSync(body).byteLength };
  };
  const later = new Date(Date.now() + 60_000).toISOString();
  return {
    report: await time(`/api/rounds/${ROUND_ID}/report`),
    results: await time(`/api/rounds/${ROUND_ID}/results`),
    feed: await time(`/api/rounds/${ROUND_ID}/inspections`),
    poll: await time(`/api/rounds/${ROUND_ID}/inspections?since=${encodeURIComponent(later)}`),
    sites: await time(`/api/sites?roundId=${ROUND_ID}`),
    page: await time(`/api/rounds/${ROUND_ID}/result-list?limit=100`),
    lastPage: await time(
      `/api/rounds/${ROUND_ID}/result-list?limit=100&sort=score&direction=asc&offset=${INSPECTIONS - 100}`,
    ),
    items: await time(`/api/rounds/${ROUND_ID}/exports/items.csv`),
    resultsCsv: await time(`/api/rounds/${ROUND_ID}/exports/results.csv`),
    // An inspector assigned an eighth of the round (12,500 sites at 100,000).
    bootstrap: await time('/api/bootstrap', inspectorToken),
    bootstrapWide: await time('/api/bootstrap', wideToken),
  };
}

/** Records when `selector` first matches, from the page's own clock (ms since navigation start). */
const WATCH = `
  window.__marks = {};
  window.__watch = (name, selector) => {
    const check = () => {
      if (window.__marks[name] === undefined && document.querySelector(selector)) window.__marks[name] = performance.now();
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
    check();
  };
  window.__watch('report', '[data-testid="report"] [data-testid="report-by-district"] tbody tr');
  window.__watch('results', '[data-testid="results-table"] .vtable__body [role="row"]');
`;

async function mark(page: Page, name: string): Promise<number> {
  await page.waitForFunction(
    (key) => (window as unknown as { __marks: Record<string, number> }).__marks[key] !== undefined,
    name,
    {
      timeout: 60_000,
    },
  );
  return page.evaluate((key) => (window as unknown as { __marks: Record<string, number> }).__marks[key]!, name);
}

/** When the last response whose URL contains `part` ended, on the page's clock. */
function responseEnd(page: Page, part: string): Promise<number> {
  return page.evaluate(
    (needle) =>
      Math.max(
        ...performance
          .getEntriesByType('resource')
          .filter((entry) => entry.name.includes(needle))
          .map((entry) => (entry as PerformanceResourceTiming).responseEnd),
      ),
    part,
  );
}

async function browserFigures(url: string) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    await context.addInitScript(WATCH);
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel('用户名').fill('bench-office');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('office').waitFor({ timeout: 120_000 });

    const reportPath = `/office/rounds/${ROUND_ID}/report`;
    // Warm the HTTP cache of the chunks once, as a returning supervisor has them.
    await page.goto(url + reportPath);
    await mark(page, 'report');

    const cold: number[] = [];
    const rendering: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(url + reportPath);
      const ready = await mark(page, 'report');
      cold.push(ready);
      const dataAt = Math.max(await responseEnd(page, '/report'), await responseEnd(page, `/api/sites?roundId=`));
      rendering.push(ready - dataAt);
    }

    // By its tab, the round already open (the usual way there).
    const byTab: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.getByRole('link', { name: '测评结果', exact: true }).click();
      await page.getByTestId('results-table').waitFor();
      const started = await page.evaluate(() => {
        (window as unknown as { __marks: Record<string, number> }).__marks = {};
        (window as unknown as { __watch: (n: string, s: string) => void }).__watch(
          'report',
          '[data-testid="report"] [data-testid="report-by-district"] tbody tr',
        );
        return performance.now();
      });
      await page.getByRole('link', { name: '统计报告', exact: true }).click();
      byTab.push((await mark(page, 'report')) - started);
    }

    // The results list.
    const firstRows: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(`${url}/office/rounds/${ROUND_ID}/results`);
      firstRows.push(await mark(page, 'results'));
    }
    await page
      .getByTestId('results-count')
      .filter({ hasText: `共 ${INSPECTIONS} 条` })
      .waitFor();
    // Two scrolls: a brisk wheel (200 px a frame, 12,000 px/s) for 600 frames, then a fling
    // (600 px a frame) from the top to the last of the 10,000 rows.
    const scrollRun = (step: number, maxFrames: number) =>
      page.evaluate(
        async ({ step, maxFrames }) => {
          const body = document.querySelector('[data-testid="results-table"] .vtable__body') as HTMLElement;
          body.scrollTop = 0;
          await new Promise(requestAnimationFrame);
          const frames: number[] = [];
          let maxRows = 0;
          let last = performance.now();
          while (frames.length < maxFrames && body.scrollTop + body.clientHeight < body.scrollHeight - 1) {
            body.scrollTop += step;
            await new Promise(requestAnimationFrame);
            const now = performance.now();
            frames.push(now - last);
            last = now;
            maxRows = Math.max(maxRows, body.querySelectorAll('[role="row"]').length);
          }
          const lastRow = [...body.querySelectorAll('[role="row"]')].at(-1)?.getAttribute('aria-rowindex');
          return { frames, maxRows, lastRow: Number(lastRow) };
        },
        { step, maxFrames },
      );
    const stats = (run: { frames: number[]; maxRows: number; lastRow: number }) => {
      const sorted = [...run.frames].sort((a, b) => a - b);
      return {
        frames: sorted.length,
        mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
        p95: sorted[Math.floor(sorted.length * 0.95)]!,
        max: sorted.at(-1)!,
        over25: sorted.filter((value) => value > 25).length,
        maxRows: run.maxRows,
        lastRow: run.lastRow,
      };
    };
    const wheel = stats(await scrollRun(200, 600));
    const fling = stats(await scrollRun(600, 100_000));

    // Sorting and searching, from the click or keystroke to the next frame with the new rows.
    // The list is sorted by the server: until its first row shows and the table is no longer busy.
    // (No named functions inside evaluate: tsx would wrap them in a helper the page lacks.)
    const sortMs = await page.evaluate(async () => {
      const button = [...document.querySelectorAll<HTMLButtonElement>('.vtable__sort')].find((candidate) =>
        candidate.textContent?.startsWith('得分'),
      )!;
      const table = document.querySelector('[data-testid="results-table"]')!;
      const before = table.querySelector('[aria-rowindex="2"]')?.textContent;
      const changed = new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => {
          const first = table.querySelector('[aria-rowindex="2"]')?.textContent;
          if (first && first !== before && table.getAttribute('aria-busy') !== 'true') {
            observer.disconnect();
            resolve();
          }
        });
        observer.observe(table, { childList: true, subtree: true, attributes: true });
      });
      const started = performance.now();
      button.click();
      await changed;
      await new Promise(requestAnimationFrame);
      return performance.now() - started;
    });
    const searchMs = await page.evaluate(async (query) => {
      const input = document.querySelector<HTMLInputElement>('[role="search"] input[type="search"]')!;
      const count = document.querySelector('[data-testid="results-count"]')!;
      const before = count.textContent;
      const changed = new Promise<void>((resolve) =>
        new MutationObserver(() => {
          if (count.textContent !== before) resolve();
        }).observe(count, { childList: true, subtree: true, characterData: true }),
      );
      // React listens to the native setter's value: set it as the browser would when typing.
      const descriptor = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!;
      const started = performance.now();
      // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to `input` right here
      Reflect.apply(descriptor.set!, input, [query]);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await changed;
      await new Promise(requestAnimationFrame);
      return performance.now() - started;
    }, '第7区第1街道');
    await context.close();
    return { cold, rendering, byTab, firstRows, wheel, fling, sortMs, searchMs };
  } finally {
    await browser.close();
  }
}

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'civic-bench-office-'));
  let server: ChildProcess | undefined;
  try {
    await ensureAppBuild(PROJECT_ROOT, path.join(PROJECT_ROOT, 'dist'), (line) => console.log(line));
    console.log(`filling ${INSPECTIONS} inspections…`);
    const filled = await fill(dataDir);
    const started = await startServer(dataDir);
    server = started.child;
    const api = await timeEndpoints(started.url);
    const browser = await browserFigures(started.url);
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
    const lines = [
      '',
      `office workspace, round of ${INSPECTIONS.toLocaleString('en')} inspections (${filled.sites} sites, ${DISTRICTS} districts); filled in ${filled.fillSeconds.toFixed(1)} s (not measured)`,
      '',
      'server (SQLite, median of 5 over loopback)',
      `  GET report                         ${ms(api.report.ms).padStart(8)}  ${kib(api.report.bytes)}`,
      `  GET results (grades per item)      ${ms(api.results.ms).padStart(8)}  ${kib(api.results.bytes)}`,
      `  GET inspections (whole feed)       ${ms(api.feed.ms).padStart(8)}  ${kib(api.feed.bytes)}`,
      `  GET inspections?since= (a poll)    ${ms(api.poll.ms).padStart(8)}  ${kib(api.poll.bytes)}`,
      `  GET sites?roundId=                 ${ms(api.sites.ms).padStart(8)}  ${kib(api.sites.bytes)}`,
      `  GET result-list (first page)       ${ms(api.page.ms).padStart(8)}  ${kib(api.page.bytes)}`,
      `  GET result-list (last, by score)   ${ms(api.lastPage.ms).padStart(8)}  ${kib(api.lastPage.bytes)}`,
      `  GET exports/items.csv (streamed)   ${ms(api.items.ms).padStart(8)}  ${kib(api.items.bytes)}`,
      `  GET exports/results.csv (streamed) ${ms(api.resultsCsv.ms).padStart(8)}  ${kib(api.resultsCsv.bytes)}`,
      `  GET bootstrap (an inspector of ${Math.ceil(INSPECTIONS / INSPECTORS).toLocaleString('en')} sites) ${ms(api.bootstrap.ms).padStart(8)}  ${kib(api.bootstrap.bytes)}`,
      `  GET bootstrap (an inspector of ${Math.min(WIDE_ASSIGNMENT, filled.sites).toLocaleString('en')} sites, #21) ${ms(api.bootstrapWide.ms).padStart(8)}  ${kib(api.bootstrapWide.bytes)} (${kib(api.bootstrapWide.gzipBytes)} gzipped, as a compressing proxy sends it)`,
      '',
      'browser (Chromium 1440×900, median of 5; budget: report renders in < 1 s)',
      `  report, page load to tables        ${ms(median(browser.cold)).padStart(8)}  (runs ${browser.cold.map(ms).join(', ')})`,
      `  report, rendering after its data   ${ms(median(browser.rendering)).padStart(8)}`,
      `  report, by its tab (round open)    ${ms(median(browser.byTab)).padStart(8)}`,
      `  results list, page load to rows    ${ms(median(browser.firstRows)).padStart(8)}`,
      ...(['wheel', 'fling'] as const).map((kind) => {
        const run = browser[kind];
        const label = kind === 'wheel' ? 'results: wheel, 200 px/frame    ' : 'results: fling to the last row  ';
        return `  ${label}  ${run.frames} frames, mean ${run.mean.toFixed(1)} ms, p95 ${run.p95.toFixed(1)} ms, max ${run.max.toFixed(1)} ms, ${run.over25} over 25 ms; ≤ ${run.maxRows} rows in the DOM (last row reached: ${run.lastRow - 1})`;
      }),
      `  results: sort by score (server)    ${ms(browser.sortMs).padStart(8)}`,
      `  results: search (server, +250 ms pause after typing)  ${ms(browser.searchMs).padStart(8)}`,
      '',
      'Not a test: figures vary with the machine.',
    ];
    console.log(lines.join('\n'));
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
