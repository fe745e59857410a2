#!/usr/bin/env node
/**
 * A throwaway PostgreSQL cluster for tests and CI: a fresh data folder in a temp directory,
 * trust authentication, a free port on 127.0.0.1, its socket inside the folder, fsync off (the
 * data dies with the folder anyway), and one database, `civic_test`. `{ durable: true }` keeps
 * PostgreSQL's defaults instead (fsync, synchronous_commit and full_page_writes on), for
 * benchmarks whose figures must be those of a production server.
 *
 *   node scripts/pg/throwaway.mjs start [STATE_FILE]   prints DATABASE_URL=postgres://postgres@127.0.0.1:<port>/civic_test
 *   node scripts/pg/throwaway.mjs stop STATE_FILE      pg_ctl stop -m fast, then deletes the folder
 *
 * Without STATE_FILE, start writes `state.json` in the cluster's folder and names it on stderr.
 * From code (a vitest globalSetup): `const pg = await startThrowawayPostgres(); …; await pg.stop()`;
 * a benchmark: `startThrowawayPostgres({ durable: true })`.
 *
 * Uses the server binaries of Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin,
 * the newest installed; PG_BIN overrides). initdb refuses to run as root, so as root every
 * server command runs as the `postgres` user (`runuser -u postgres --`) in a folder it owns.
 * The temp folder's parent is PG_THROWAWAY_BASE or the system temp dir (the `postgres` user
 * must be able to reach it).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const DATABASE = 'civic_test';
const SUPERUSER = 'postgres';

/** The folder of initdb/pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/<v>/bin, else pg_config. */
export function findPostgresBin() {
  if (process.env.PG_BIN) {
    if (existsSync(join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
    throw new Error(`PG_BIN=${process.env.PG_BIN} has no initdb`);
  }
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((name) => existsSync(join(base, name, 'bin', 'initdb')))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config on PATH
  }
  throw new Error(
    'PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb). Install them with `apt-get install -y postgresql`, set PG_BIN, or set CIVIC_SKIP_PG=1 to skip the PostgreSQL tests.',
  );
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary, as the postgres user when we are root. */
function runPg(bin, command, args, options = {}) {
  const file = join(bin, command);
  const [program, argv] = isRoot() ? ['runuser', ['-u', SUPERUSER, '--', file, ...args]] : [file, args];
  try {
    return execFileSync(program, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  } catch (error) {
    const output = [error.stdout, error.stderr].filter(Boolean).join('\n').trim();
    throw new Error(`${command} failed: ${output || error.message}`, { cause: error });
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function logTail(folder) {
  try {
    return readFileSync(join(folder, 'postgres.log'), 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts a cluster ({stateFile, durable}); resolves to {url, port, folder, stateFile, stop()}. */
export async function startThrowawayPostgres(options = {}) {
  const bin = findPostgresBin();
  const folder = mkdtempSync(join(resolve(process.env.PG_THROWAWAY_BASE ?? tmpdir()), 'civic-pg-'));
  const dataDir = join(folder, 'data');
  try {
    if (isRoot()) {
      const uid = Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }));
      chownSync(folder, uid, gid);
    }
    runPg(bin, 'initdb', [
      '-D',
      dataDir,
      '--auth=trust',
      `--username=${SUPERUSER}`,
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    let port;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const serverOptions = [
        `-p ${port}`,
        '-c listen_addresses=127.0.0.1',
        `-c unix_socket_directories='${folder}'`,
        ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
        '-c max_connections=200',
      ].join(' ');
      try {
        runPg(bin, 'pg_ctl', [
          '-D',
          dataDir,
          '-l',
          join(folder, 'postgres.log'),
          '-o',
          serverOptions,
          '-w',
          '-t',
          '60',
          'start',
        ]);
        break;
      } catch (error) {
        // Another process may have taken the port between our probe and the server's bind.
        if (attempt >= 3)
          throw new Error(`${error.message}\n--- postgres.log ---\n${logTail(folder)}`, { cause: error });
      }
    }
    runPg(bin, 'createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER, DATABASE]);
    const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/${DATABASE}`;
    const stateFile = resolve(options.stateFile ?? join(folder, 'state.json'));
    writeFileSync(stateFile, JSON.stringify({ url, port, folder, dataDir, bin }, null, 2));
    return { url, port, folder, stateFile, stop: () => stopThrowawayPostgres(stateFile) };
  } catch (error) {
    try {
      runPg(bin, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
    } catch {
      // not running
    }
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

/** Stops the cluster a state file describes and deletes its folder (and the state file). */
export async function stopThrowawayPostgres(stateFile) {
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  try {
    if (existsSync(join(state.dataDir, 'postmaster.pid'))) {
      runPg(state.bin, 'pg_ctl', ['-D', state.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
    }
  } finally {
    rmSync(state.folder, { recursive: true, force: true });
    rmSync(stateFile, { force: true });
  }
}

async function main(argv) {
  const [command, stateFile] = argv;
  if (command === 'start') {
    const pg = await startThrowawayPostgres({ stateFile });
    process.stdout.write(`DATABASE_URL=${pg.url}\n`);
    if (!stateFile)
      process.stderr.write(
        `state file: ${pg.stateFile} (stop with: node scripts/pg/throwaway.mjs stop ${pg.stateFile})\n`,
      );
  } else if (command === 'stop' && stateFile) {
    await stopThrowawayPostgres(stateFile);
  } else {
    process.stderr.write('usage: throwaway.mjs start [STATE_FILE] | stop STATE_FILE\n');
    process.exitCode = 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  });
}
