/**
 * Real server processes and a real load balancer, for the several-servers test and bench
 * (issue #19): each server is `npm start`'s entry point (src/server/cli.ts) in its own Node
 * process, so nothing is shared but what the configuration shares (PostgreSQL, the photo
 * store); HAProxy from Debian's package spreads requests over them, checking `/api/ready`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../config';

/** A free loopback port (asked of the kernel, then released for the child to take). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServerProcess {
  port: number;
  url: string;
  child: ChildProcess;
  /** What the process printed (stdout and stderr), for a failing test's message. */
  output(): string;
  /** Ends it at once, as a crash or `kill -9` would: no request gets to finish. */
  kill(): Promise<void>;
  /** SIGTERM (in-flight requests finish), then its data folder goes. */
  stop(): Promise<void>;
}

/**
 * Starts `src/server/cli.ts` (as `npm start` does, without the app build) with `env` on a free
 * port and its own DATA_DIR; resolves once `/api/ready` answers 200.
 */
export async function startServerProcess(env: Record<string, string>, readyWithinMs = 60_000): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'civic-process-'));
  // `node --import tsx`, not the tsx launcher: one process, so a kill reaches the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src/server/cli.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      CIVIC_SKIP_BUILD: '1',
      NODE_NO_WARNINGS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const handle: ServerProcess = {
    port,
    url,
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + readyWithinMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ready = await fetch(`${url}/api/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return handle;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await handle.stop();
  throw new Error(`server on port ${port} did not become ready:\n${output}`);
}

/** Where HAProxy is, or undefined (`apt-get install haproxy`; .ci/run installs it). */
export function haproxyBinary(): string | undefined {
  for (const path of ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy']) {
    if (spawnSync(path, ['-v']).status === 0) return path;
  }
  return undefined;
}

export interface LoadBalancer {
  url: string;
  /** Current sessions per backend server, from HAProxy's stats socket. */
  sessions(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

/**
 * HAProxy in front of `backends` (named s1, s2, …): round robin, each server checked on
 * `GET /api/ready` every 300 ms and taken out after 2 failures, a refused connection retried
 * on another server. Request bodies are not buffered, so an upload cut by a dying server is
 * not replayed by HAProxy: the client retries it, as a phone does.
 */
export async function startHaproxy(binary: string, backends: readonly { port: number }[]): Promise<LoadBalancer> {
  const dir = await mkdtemp(join(tmpdir(), 'civic-haproxy-'));
  const port = await freePort();
  const socket = join(dir, 'stats.sock');
  const config = [
    'global',
    `  stats socket ${socket} mode 600 level operator`,
    '  maxconn 512',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  retries 2',
    '  option redispatch',
    '  retry-on conn-failure empty-response',
    'frontend civic',
    `  bind 127.0.0.1:${port}`,
    '  default_backend servers',
    'backend servers',
    '  balance roundrobin',
    '  option httpchk GET /api/ready',
    '  http-check expect status 200',
    '  default-server inter 300ms fall 2 rise 2',
    ...backends.map((backend, i) => `  server s${i + 1} 127.0.0.1:${backend.port} check`),
    '',
  ].join('\n');
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const child = spawn(binary, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  async function sessions(): Promise<Map<string, number>> {
    const csv = await new Promise<string>((resolve, reject) => {
      const connection = createConnection(socket);
      let text = '';
      connection.on('data', (chunk) => (text += chunk.toString()));
      connection.on('end', () => resolve(text));
      connection.on('error', reject);
      connection.end('show stat\n');
    });
    const [header = '', ...rows] = csv.trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    const [name, current] = [columns.indexOf('svname'), columns.indexOf('scur')];
    const found = new Map<string, number>();
    for (const row of rows) {
      const cells = row.split(',');
      if (/^s\d+$/.test(cells[name] ?? '')) found.set(cells[name]!, Number(cells[current]));
    }
    return found;
  }

  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  // Ready once every backend passed its check.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const up = await fetch(`${url}/api/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (up) return { url, sessions, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`haproxy did not start:\n${output}`);
}
