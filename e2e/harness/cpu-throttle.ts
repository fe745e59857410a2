/**
 * CPU throttling for measurements, two ways:
 *
 * - `cdp`: DevTools' `Emulation.setCPUThrottlingRate` on the page. Chromium applies it to the
 *   page's main thread only: a dedicated worker runs at full speed (checked on Chromium 150 — a
 *   busy loop takes the same time in a worker at rate 1 and 4 — and the command sent to a worker
 *   target answers "Operation is only supported for pages, not workers"). Right for "no main-thread
 *   task over 50 ms", but it flatters anything done in a worker.
 * - `renderer-process` (Linux): the page's renderer processes are stopped and continued
 *   (SIGSTOP/SIGCONT) in a 20 ms cycle, running 1/rate of the time. Every thread of the renderer
 *   — main thread, workers, image decoding, WebCrypto — gets 1/rate of the CPU, like a slower
 *   phone. The same trick as DevTools' own throttler, applied to the whole process. The cycle
 *   runs in a small child process so the test's event loop cannot disturb it; the child continues
 *   the processes when it stops, and when its parent dies (its stdin closes).
 *
 * Only this browser's renderers are touched: their ids come from the browser's own
 * `SystemInfo.getProcessInfo`, never from a process list.
 */
import { spawn } from 'node:child_process';
import type { Browser, Page } from '@playwright/test';

export type CpuThrottle = { mode: 'none' } | { mode: 'cdp' | 'renderer-process'; rate: number };

export interface ActiveThrottle {
  release(): Promise<void>;
}

export function describeThrottle(throttle: CpuThrottle): string {
  switch (throttle.mode) {
    case 'none':
      return 'no CPU throttling';
    case 'cdp':
      return `${throttle.rate}× CDP throttling (main thread only)`;
    case 'renderer-process':
      return `${throttle.rate}× renderer-process throttling (all threads)`;
  }
}

export async function applyThrottle(page: Page, throttle: CpuThrottle): Promise<ActiveThrottle> {
  if (throttle.mode === 'none') return { release: async () => {} };
  if (!(throttle.rate >= 1)) throw new RangeError(`throttling rate must be ≥ 1, got ${throttle.rate}`);
  if (throttle.mode === 'cdp') {
    const session = await page.context().newCDPSession(page);
    await session.send('Emulation.setCPUThrottlingRate', { rate: throttle.rate });
    return {
      async release() {
        await session.send('Emulation.setCPUThrottlingRate', { rate: 1 });
        await session.detach();
      },
    };
  }
  const browser = page.context().browser();
  if (!browser) throw new Error('renderer-process throttling needs a launched browser');
  return throttleRendererProcesses(browser, throttle.rate);
}

const CYCLE_MS = 20;

/** The child's program: stop/continue the given pids until SIGTERM or the parent goes away. */
const DUTY_CYCLE = String.raw`
const [pids, runMs, stopMs] = JSON.parse(process.argv[1]);
const cell = new Int32Array(new SharedArrayBuffer(4));
const signal = (name) => { for (const pid of pids) { try { process.kill(pid, name); } catch {} } };
let running = true;
const stop = () => { running = false; };
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('exit', () => signal('SIGCONT'));
(async () => {
  process.stdout.write('started\n');
  while (running) {
    signal('SIGCONT');
    Atomics.wait(cell, 0, 0, runMs);
    signal('SIGSTOP');
    Atomics.wait(cell, 0, 0, stopMs);
    signal('SIGCONT');
    await new Promise((resolve) => setImmediate(resolve));
  }
  process.exit(0);
})();
`;

export async function throttleRendererProcesses(browser: Browser, rate: number): Promise<ActiveThrottle> {
  if (process.platform !== 'linux') throw new Error('renderer-process throttling needs Linux (SIGSTOP/SIGCONT)');
  const session = await browser.newBrowserCDPSession();
  const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  await session.detach();
  const pids = processInfo.filter((info) => info.type === 'renderer').map((info) => info.id);
  if (pids.length === 0) throw new Error('no renderer process to throttle');
  const runMs = CYCLE_MS / rate;
  const child = spawn(process.execPath, ['-e', DUTY_CYCLE, JSON.stringify([pids, runMs, CYCLE_MS - runMs])], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`throttle process exited early (${code})`)));
    child.stdout.once('data', () => resolve());
  });
  child.removeAllListeners('exit');
  return {
    async release() {
      const exited = child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined;
      child.stdin.end();
      child.kill('SIGTERM');
      await exited;
      // Belt and braces: whatever happened to the child, the renderers run again.
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone already
        }
      }
    },
  };
}
