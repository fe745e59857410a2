/**
 * Inspection writes under load, as issue #16 defines them: CLIENTS clients in another process
 * (put-load-client.mjs, forked), each PUTting whole station checklists — every item answered,
 * with a note — as fast as they are answered, for a warm-up and then SECONDS measured; and the
 * floor the same clients meet in the same run: a bare node:http server that inserts the same
 * JSON durably into the same engine, one insert committed per request, and nothing else (no
 * parsing, no auth, no checks, no scoring).
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { InspectionInput } from '../../src/domain/wire';

export const LOAD_CLIENTS = 16;
/** `BENCH_LOAD_SECONDS=3` for a short run (the figure is 10 s). */
export const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
export const LOAD_WARM_UP_SECONDS = 1;

export interface LoadSpec {
  port: number;
  seconds: number;
  warmUpSeconds: number;
  roundId: string;
  rubricVersion: string;
  /** The answers of each profile; request n of a client uses profiles[n % profiles.length]. */
  answers: Record<string, InspectionInput['answers']>;
  profiles: string[];
  /** Inspections each client prepares (going round its sites): more than it can send. */
  requestsPerClient: number;
  clients: { token: string; siteIds: string[] }[];
}

export interface LoadFigures {
  completed: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  /** Clients that used up their prepared inspections before the end (the figure is then short). */
  ranOut: number;
}

/** Forks the client process, lets it build its bodies, then runs the load and returns its figures. */
export function runPutLoad(spec: LoadSpec): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(join(import.meta.dirname, 'put-load-client.mjs'), [], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let figures: LoadFigures | undefined;
    child.on('message', (message: { ready?: boolean } & Partial<LoadFigures>) => {
      if (message.ready) child.send({ go: true });
      else figures = message as LoadFigures;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      figures ? resolve(figures) : reject(new Error(`the load client exited with ${code} before reporting`)),
    );
    child.send(spec);
  });
}

export interface FloorServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The floor: reads the body, inserts (id from the path, the body as received) into its own table
 * of the same engine, answers 201 once committed. SQLite as the app opens it (WAL,
 * synchronous=FULL: one fsync per commit), its own file in the same folder; PostgreSQL through a
 * pool of the app's size (pg's default, 10), each insert its own autocommitted transaction.
 */
export async function startWriteFloor(
  engine: 'sqlite' | 'postgres',
  where: { dataDir: string; databaseUrl?: string },
): Promise<FloorServer> {
  let insert: (id: string, body: string) => Promise<void>;
  let closeStore: () => Promise<void>;
  if (engine === 'sqlite') {
    const sqlite = new SqliteDatabase(join(where.dataDir, 'write-floor.sqlite'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.exec('create table if not exists floor (id text primary key, body text not null)');
    const statement = sqlite.prepare('insert into floor (id, body) values (?, ?)');
    insert = async (id, body) => void statement.run(id, body);
    closeStore = async () => void sqlite.close();
  } else {
    const pool = new pg.Pool({ connectionString: where.databaseUrl });
    await pool.query('create table if not exists floor (id text primary key, body text not null)');
    insert = async (id, body) => void (await pool.query('insert into floor (id, body) values ($1, $2)', [id, body]));
    closeStore = () => pool.end();
  }
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = (request.url ?? '').split('/').at(-1) ?? '';
      insert(id, Buffer.concat(chunks).toString()).then(
        () => {
          response.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
          response.end('{"ok":true}');
        },
        (error: unknown) => {
          response.writeHead(500);
          response.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeStore();
    },
  };
}
