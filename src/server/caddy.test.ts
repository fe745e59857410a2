/**
 * The documented Caddy configuration (docs/caddy/Caddyfile, docs/caddy.md) in front of a running
 * server, as a LAN without a public name runs it (issue #19): Caddy from Debian's package with
 * `tls internal`, curl trusting only Caddy's own root. What phones need: HTTPS that verifies
 * against that root, HSTS from the server (it believes Caddy's X-Forwarded-Proto through
 * TRUST_PROXY=loopback), plain HTTP sent to HTTPS.
 *
 * Skipped with a message when caddy or curl is absent on a developer's machine; in CI
 * (`CI=true`) that fails the test, since .ci/run installs caddy.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './config';
import { startServer, type RunningServer } from './test-support/api-harness';
import { freePort } from './test-support/server-processes';

const run = promisify(execFile);
const TOOLS = spawnSync('caddy', ['version']).status === 0 && spawnSync('curl', ['--version']).status === 0;
const IN_CI = process.env.CI === 'true';
if (!TOOLS && !IN_CI)
  console.warn('caddy.test.ts skipped: caddy or curl is not installed (apt-get install caddy curl)');

describe.skipIf(!TOOLS && !IN_CI)('the documented Caddy configuration (tls internal)', () => {
  let dir: string;
  let server: RunningServer;
  let caddy: ChildProcess | undefined;
  let caddyLog = '';
  let httpsPort: number;
  let httpPort: number;
  let rootCert: string;

  beforeAll(async () => {
    if (!TOOLS) throw new Error('caddy and curl are required in CI: .ci/run installs them');
    dir = await mkdtemp(join(tmpdir(), 'civic-caddy-'));
    server = await startServer({ dataDir: join(dir, 'data'), trustProxy: ['loopback'] });
    [httpsPort, httpPort] = [await freePort(), await freePort()];
    caddy = spawn('caddy', ['run', '--config', join(PROJECT_ROOT, 'docs/caddy/Caddyfile'), '--adapter', 'caddyfile'], {
      env: {
        ...process.env,
        // Caddy keeps its CA and certificates under XDG_DATA_HOME: a temp folder here.
        XDG_DATA_HOME: join(dir, 'caddy-data'),
        XDG_CONFIG_HOME: join(dir, 'caddy-config'),
        CIVIC_ADDRESS: 'localhost',
        CIVIC_BIND: '127.0.0.1',
        CIVIC_UPSTREAM: new URL(server.baseUrl).host,
        CIVIC_HTTPS_PORT: String(httpsPort),
        CIVIC_HTTP_PORT: String(httpPort),
        CIVIC_CADDY_ADMIN: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    caddy.stderr!.on('data', (chunk: Buffer) => (caddyLog += chunk.toString()));
    rootCert = join(dir, 'caddy-data', 'caddy', 'pki', 'authorities', 'local', 'root.crt');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && caddy.exitCode === null) {
      if (existsSync(rootCert) && (await curl('/api/health').catch(() => undefined))?.status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`caddy did not serve HTTPS:\n${caddyLog.slice(-3000)}`);
  }, 30_000);

  afterAll(async () => {
    if (caddy && caddy.exitCode === null) {
      const exited = new Promise((resolve) => caddy!.once('exit', resolve));
      caddy.kill('SIGTERM');
      await exited;
    }
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** `curl` through Caddy's HTTPS port, trusting nothing but Caddy's root; status and headers. */
  async function curl(path: string, extra: string[] = []): Promise<{ status: number; headers: string }> {
    const { stdout } = await run('curl', [
      ...['--silent', '--show-error', '--dump-header', '-', '--output', '/dev/null'],
      ...['--cacert', rootCert, '--resolve', `localhost:${httpsPort}:127.0.0.1`],
      ...extra,
      `https://localhost:${httpsPort}${path}`,
    ]);
    return { status: Number(/^HTTP\/\S+ (\d{3})/.exec(stdout)?.[1]), headers: stdout.toLowerCase() };
  }

  it('serves the API over HTTPS that verifies against its internal root, with the server’s HSTS', async () => {
    const health = await curl('/api/health');
    expect(health.status).toBe(200);
    expect(health.headers).toMatch(/^strict-transport-security: max-age=\d+/m);
    expect((await curl('/api/ready')).status).toBe(200);
  });

  it('is refused by a client that does not trust the root, as a phone that has not installed it', async () => {
    await expect(
      run('curl', [
        '--silent',
        '--show-error',
        '--resolve',
        `localhost:${httpsPort}:127.0.0.1`,
        `https://localhost:${httpsPort}/api/health`,
      ]),
    ).rejects.toThrow(/certificate/i);
  });

  it('sends plain HTTP to HTTPS', async () => {
    const { stdout } = await run('curl', [
      ...['--silent', '--dump-header', '-', '--output', '/dev/null', '--resolve', `localhost:${httpPort}:127.0.0.1`],
      `http://localhost:${httpPort}/api/health`,
    ]);
    expect(stdout).toMatch(/^HTTP\/\S+ 30[18]/);
    expect(stdout.toLowerCase()).toMatch(/^location: https:\/\/localhost(:\d+)?\/api\/health/m);
  });
});
