/**
 * The sync figures of `npm run bench` (issue 5), measured in the Chromium the e2e tests use
 * against the real server (a fresh one, its own DATA_DIR):
 *
 * (a) Photo sync throughput: 20 inspections with 60 photos (the app's photo sizes) drained by
 *     the app's sync engine, against a plain `fetch` loop that PUTs the same kind of requests
 *     from memory in the same page: as many photos of the same sizes (distinct bytes, so the
 *     server stores each one) and the same inspection bodies for other stations, in the same
 *     order. MB/s = photo bytes ÷ time of the whole drain. On loopback, several rounds
 *     alternating which goes first, medians; the ratio (engine ÷ plain, target ≥ 0.8) is the
 *     median of the rounds' ratios. Then once each over links emulated by Chromium (DevTools
 *     network conditions): what a phone on Wi-Fi or 4G sees.
 * (b) Draining 100 inspections with 300 photos on loopback: from the engine's first run to an
 *     empty outbox.
 *
 * For each loopback phase it also prints where the time went: inside requests vs between them
 * (the engine's own serial overhead), the server's own time for the photo PUTs (its request
 * log), and — on Linux — the CPU time each process used (/proc), which shows what the engine's
 * bookkeeping (IndexedDB, in Chromium's browser process) costs next to the upload itself.
 *
 * The harness page (sync-harness.html) is built with Vite's build API and served at
 * `<server>/sync-harness/` through Playwright's routing, so that it shares the server's origin
 * (the API has no CORS, the app never needs it); the routing is removed before anything is
 * timed, so API requests go from the browser straight to the server, as in the app.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import config from '../../playwright.config';
import { ApiSeeder } from '../../e2e/fixtures/seed';
import { ServerProcess } from '../../e2e/fixtures/server';
import { buildHarnessPage, HARNESS_MIME } from '../../e2e/harness/serve-harness';
import { seedStations, stationId } from '../../e2e/fixtures/sync-seed';
import type { BasePhotos, DrainResult } from './sync-harness-api';
import './sync-harness-api';

const BENCH_DIR = import.meta.dirname;
const PHOTO_12MP = path.resolve(BENCH_DIR, '..', '..', 'e2e', 'fixtures', 'photos', 'exif6-4000x3000.jpg');
const HARNESS_BASE = '/sync-harness/';
/** Passed to Chromium only to find its processes in /proc (an unknown switch is ignored). */
const BROWSER_MARK = '--civic-sync-bench';

/** A link emulated with DevTools' network conditions (throughputs in bytes per second). */
export interface EmulatedLink {
  name: string;
  latencyMs: number;
  uploadBytesPerSecond: number;
  downloadBytesPerSecond: number;
}

export const EMULATED_LINKS: EmulatedLink[] = [
  {
    name: 'Wi-Fi, 50 Mbit/s up, 10 ms',
    latencyMs: 10,
    uploadBytesPerSecond: 50e6 / 8,
    downloadBytesPerSecond: 100e6 / 8,
  },
  { name: '4G, 20 Mbit/s up, 40 ms', latencyMs: 40, uploadBytesPerSecond: 20e6 / 8, downloadBytesPerSecond: 50e6 / 8 },
];

export interface SyncBenchOptions {
  /** Loopback rounds of (a), each one engine drain and one plain loop (default 5: the link is a shared 2-core VM here, rounds vary by ±15 %). */
  rounds?: number;
  /** Inspections per drain in (a) (default 20, i.e. 60 photos). */
  throughputInspections?: number;
  /** Inspections in (b) (default 100, i.e. 300 photos). */
  drainInspections?: number;
  /** Distinct pipeline outputs the photos are made from (default 4). */
  basePhotos?: number;
  /** Links for the extra rounds of (a) (default EMULATED_LINKS; [] for none). */
  links?: EmulatedLink[];
  log?: (line: string) => void;
}

type Phase = DrainResult & { cpuMs?: Record<string, number> };

export interface SyncBenchResult {
  basePhotos: BasePhotos;
  engine: Phase[];
  plain: Phase[];
  engineMBps: number;
  plainMBps: number;
  /** Median of the loopback rounds' engine ÷ plain. */
  ratio: number;
  links: { link: EmulatedLink; engine: Phase; plain: Phase }[];
  drain: Phase;
}

const mbps = (result: DrainResult) => result.photoBytes / 1e6 / (result.ms / 1000);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export async function runSyncBench(browser: Browser, options: SyncBenchOptions = {}): Promise<SyncBenchResult> {
  const log = options.log ?? console.log;
  const rounds = options.rounds ?? 5;
  const perDrain = options.throughputInspections ?? 20;
  const drainCount = options.drainInspections ?? 100;
  const links = options.links ?? EMULATED_LINKS;
  const pairs = rounds + links.length;

  const outDir = mkdtempSync(path.join(os.tmpdir(), 'civic-sync-harness-'));
  const server = new ServerProcess();
  try {
    await buildHarnessPage({ root: BENCH_DIR, page: 'sync-harness.html', outDir, base: HARNESS_BASE });
    await server.start();
    const seed = new ApiSeeder(server.url);
    await seed.signInAdmin();
    const inspector = await seed.user('bench.sync', 'inspector', '同步基准测评员');
    const { roundId } = await seedStations(seed, inspector.id, pairs * 2 * perDrain + drainCount);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      await page.route(`${server.url}${HARNESS_BASE}**`, async (route) => {
        const name = new URL(route.request().url()).pathname.slice(HARNESS_BASE.length);
        const file = name === 'fixture.jpg' ? PHOTO_12MP : path.join(outDir, name);
        if (file !== PHOTO_12MP && !file.startsWith(outDir + path.sep)) return route.fulfill({ status: 404 });
        try {
          await route.fulfill({
            body: readFileSync(file),
            contentType: HARNESS_MIME[path.extname(file)] ?? 'application/octet-stream',
          });
        } catch {
          await route.fulfill({ status: 404 });
        }
      });
      await page.goto(`${server.url}${HARNESS_BASE}sync-harness.html`);
      await page.locator('#status', { hasText: 'ready' }).waitFor();

      const basePhotos = await page.evaluate(([url, count]) => window.syncHarness.makeBasePhotos(url, count), [
        `${HARNESS_BASE}fixture.jpg`,
        options.basePhotos ?? 4,
      ] as const);
      log(
        `photos: the app's pipeline made ${basePhotos.bytes.map((b) => `${Math.round(b / 1000)} kB`).join(', ')} ` +
          `from the 12 MP fixture; each bench photo is one of them plus a unique 36-byte JPEG comment`,
      );

      // Every outbox filled before anything is timed; then no more routing in the way.
      let fillMs = 0;
      let nextSite = 0;
      const fill = async (name: string, count: number) => {
        const ids = Array.from({ length: count }, (_, i) => stationId(nextSite + i + 1));
        const firstPhoto = nextSite * 3;
        nextSite += count;
        await page.evaluate(([db, user, password]) => window.syncHarness.open(db, user, password), [
          name,
          inspector.username,
          inspector.password,
        ] as const);
        const filled = await page.evaluate(
          ([db, round, sites, first]) => window.syncHarness.fill(db, round, sites, first),
          [name, roundId, ids, firstPhoto] as const,
        );
        fillMs += filled.ms;
      };
      for (let pair = 0; pair < pairs; pair++) {
        await fill(`bench-engine-${pair}`, perDrain);
        await fill(`bench-plain-${pair}`, perDrain);
      }
      await fill('bench-drain', drainCount);
      log(
        `outboxes filled through the app's code (openInspection, updateAnswer, attachPhoto, submitInspection): ` +
          `${nextSite} inspections in ${(fillMs / 1000).toFixed(1)} s`,
      );
      await page.unrouteAll({ behavior: 'wait' });

      const measure = (kind: 'engine' | 'plain', pair: number) =>
        accounted(server, () =>
          kind === 'engine'
            ? page.evaluate((db) => window.syncHarness.drain(db), `bench-engine-${pair}`)
            : page.evaluate((db) => window.syncHarness.plainLoop(db), `bench-plain-${pair}`),
        );
      const engine: Phase[] = [];
      const plain: Phase[] = [];
      for (let round = 0; round < rounds; round++) {
        if (round % 2 === 0) {
          plain.push(await measure('plain', round));
          engine.push(await measure('engine', round));
        } else {
          engine.push(await measure('engine', round));
          plain.push(await measure('plain', round));
        }
      }
      const drain = await accounted(server, () => page.evaluate(() => window.syncHarness.drain('bench-drain')));
      for (const result of [...engine, drain])
        if (result.left !== 0) throw new Error(`an engine drain left ${result.left} entries in the outbox`);

      const linkResults: SyncBenchResult['links'] = [];
      for (const [index, link] of links.entries()) {
        const emulation = await emulate(page, link);
        const pair = rounds + index;
        const plainOnLink = await measure('plain', pair);
        const engineOnLink = await measure('engine', pair);
        await emulation.detach();
        if (engineOnLink.left !== 0) throw new Error(`the engine left ${engineOnLink.left} entries on ${link.name}`);
        linkResults.push({ link, engine: engineOnLink, plain: plainOnLink });
      }

      const result: SyncBenchResult = {
        basePhotos,
        engine,
        plain,
        engineMBps: median(engine.map(mbps)),
        plainMBps: median(plain.map(mbps)),
        ratio: median(engine.map((run, i) => mbps(run) / mbps(plain[i]!))),
        links: linkResults,
        drain,
      };
      printTable(result, log);
      if (process.env.SYNC_BENCH_SPENT) log(JSON.stringify(drain.spent));
      return result;
    } finally {
      await context.close();
    }
  } finally {
    await server.dispose();
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Emulates a link for the page's requests until `detach()`. */
async function emulate(page: Page, link: EmulatedLink): Promise<{ detach: () => Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: link.latencyMs,
    uploadThroughput: link.uploadBytesPerSecond,
    downloadThroughput: link.downloadBytesPerSecond,
  });
  return {
    detach: async () => {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        uploadThroughput: -1,
        downloadThroughput: -1,
      });
      await cdp.detach();
    },
  };
}

/** Runs a phase, adding the server's own time for its photo PUTs and the processes' CPU time. */
async function accounted(server: ServerProcess, phase: () => Promise<DrainResult>): Promise<Phase> {
  const from = server.log().length;
  const before = cpuByProcess(server.dataDir);
  const result = await phase();
  const after = cpuByProcess(server.dataDir);
  const serverPhotoMs = server
    .log()
    .slice(from)
    .split('\n')
    .reduce((sum, line) => {
      const match = /"method":"PUT","path":"\/api\/photos\/[0-9a-f]{64}","status":\d+,"ms":([\d.]+)/.exec(line);
      return sum + (match ? Number(match[1]) : 0);
    }, 0);
  const cpuMs =
    before && after
      ? Object.fromEntries(Object.entries(after).map(([name, ms]) => [name, ms - (before[name] ?? 0)]))
      : undefined;
  return { ...result, serverPhotoMs, ...(cpuMs && { cpuMs }) };
}

/**
 * CPU time (user + system, ms) of this bench's Chromium processes by kind (found by the profile
 * folder of the browser launched with BROWSER_MARK) and of its server (by its DATA_DIR), from
 * /proc; undefined where there is no /proc.
 */
function cpuByProcess(serverDataDir: string): Record<string, number> | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const processes = pids.flatMap((pid) => {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // utime and stime, fields 14 and 15 of stat (11 and 12 after the name), in clock ticks (100 Hz).
      const isServer =
        command.includes('src/server/cli.ts') &&
        readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`DATA_DIR=${serverDataDir}`);
      return [{ command, isServer, ms: (Number(fields[11]) + Number(fields[12])) * 10 }];
    } catch {
      return []; // gone meanwhile
    }
  });
  const profile = processes
    .map((p) => (p.command.includes(BROWSER_MARK) ? /--user-data-dir=(\S+)/.exec(p.command)?.[1] : undefined))
    .find(Boolean);
  const cpu: Record<string, number> = {};
  for (const { command, isServer, ms } of processes) {
    let kind: string | undefined;
    if (profile && command.includes(profile))
      kind = command.includes('--type=renderer')
        ? 'renderer'
        : command.includes('NetworkService')
          ? 'network'
          : command.includes('--type=')
            ? 'other'
            : 'browser';
    else if (isServer) kind = 'server';
    if (kind) cpu[kind] = (cpu[kind] ?? 0) + ms;
  }
  return cpu;
}

function printTable(result: SyncBenchResult, log: (line: string) => void): void {
  const cpu = (r: Phase) =>
    r.cpuMs
      ? ['browser', 'renderer', 'network', 'server']
          .map((name) => `${name} ${((r.cpuMs![name] ?? 0) / r.requests).toFixed(1)}`)
          .join(' · ')
      : '';
  const row = (label: string, r: Phase, withCpu = true) =>
    `  ${label.padEnd(38)} ${String(r.photos).padStart(4)} ${(r.photoBytes / 1e6).toFixed(2).padStart(6)} MB ` +
    `${String(r.requests).padStart(4)} ${Math.round(r.ms).toString().padStart(6)} ms ${mbps(r).toFixed(1).padStart(6)} MB/s` +
    `${Math.round(r.inRequests).toString().padStart(8)} ${Math.round(r.between).toString().padStart(7)}` +
    `${Math.round(r.serverPhotoMs ?? 0)
      .toString()
      .padStart(8)}${withCpu ? `   ${cpu(r)}` : ''}`;
  log(
    `  ${'run'.padEnd(38)} ${'photos'.padStart(4)} ${'bytes'.padStart(9)} ${'reqs'.padStart(4)} ${'time'.padStart(9)} ` +
      `${'photos'.padStart(11)} ${'in reqs'.padStart(7)} ${'between'.padStart(7)} ${'server'.padStart(7)}` +
      `   CPU ms per request by process`,
  );
  result.plain.forEach((r, i) => log(row(`loopback, plain loop #${i + 1}`, r)));
  result.engine.forEach((r, i) => log(row(`loopback, sync engine #${i + 1}`, r)));
  for (const { link, engine, plain } of result.links) {
    log(row(`${link.name}, plain`, plain, false));
    log(row(`${link.name}, engine`, engine, false));
  }
  log(
    `(a) photo sync throughput on loopback (medians of ${result.engine.length} rounds): engine ` +
      `${result.engineMBps.toFixed(1)} MB/s, plain fetch loop ${result.plainMBps.toFixed(1)} MB/s, ` +
      `ratio ${result.ratio.toFixed(2)} (target ≥ 0.80)`,
  );
  for (const { link, engine, plain } of result.links)
    log(
      `(a) on ${link.name}: engine ${mbps(engine).toFixed(2)} MB/s, plain ${mbps(plain).toFixed(2)} MB/s, ` +
        `ratio ${(mbps(engine) / mbps(plain)).toFixed(2)}`,
    );
  const { drain } = result;
  const inspections = drain.requests - drain.photos;
  log(row(`(b) drain, ${inspections} inspections`, drain));
  log(
    `(b) ${inspections} inspections with ${drain.photos} photos (${(drain.photoBytes / 1e6).toFixed(1)} MB) drained on ` +
      `loopback in ${(drain.ms / 1000).toFixed(2)} s (${(drain.photos / (drain.ms / 1000)).toFixed(0)} photos/s, ` +
      `${(inspections / (drain.ms / 1000)).toFixed(1)} inspections/s, ${drain.runs} engine run${drain.runs > 1 ? 's' : ''})`,
  );
}

/** `runSyncBench` in a Chromium of its own, launched as the e2e tests launch it. */
export async function runSyncBenchInOwnBrowser(options: SyncBenchOptions = {}): Promise<SyncBenchResult> {
  const launchOptions = config.use?.launchOptions ?? {};
  const browser = await chromium.launch({ ...launchOptions, args: [...(launchOptions.args ?? []), BROWSER_MARK] });
  try {
    return await runSyncBench(browser, options);
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runSyncBenchInOwnBrowser();
  process.exitCode = result.drain.left === 0 ? 0 : 1;
}
