/**
 * Looking behind the server's back in the API suites: tables, row counts for "nothing stored"
 * checks, and the photo files on disk.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type { ServerContext } from '../context';
import type { TableName } from '../storage/schema';

const tableLists = new WeakMap<object, Promise<string[]>>();

/** Every table of the database (as migrated: new tables are included), the migrator's left out. */
export function tableNames(db: ServerContext['db']): Promise<string[]> {
  let names = tableLists.get(db);
  if (!names) {
    names = db.introspection.getTables().then((tables) =>
      tables
        .map((table) => table.name)
        .filter((name) => !name.startsWith('kysely_'))
        .sort(),
    );
    tableLists.set(db, names);
  }
  return names;
}

/** Rows per table, for "nothing stored" checks (one query). */
export async function countRows(ctx: Pick<ServerContext, 'db'>): Promise<Record<TableName, number>> {
  const counts = sql.join(
    (await tableNames(ctx.db)).map((table) => sql`select ${table} as t, count(*) as n from ${sql.table(table)}`),
    sql` union all `,
  );
  const { rows } = await sql<{ t: string; n: number | string }>`${counts}`.execute(ctx.db);
  return Object.fromEntries(rows.map((row) => [row.t, Number(row.n)])) as Record<TableName, number>;
}

/** Every file under `${dataDir}/photos`, temp files included, as paths relative to it. */
export async function photoFiles(dataDir: string): Promise<string[]> {
  const root = path.join(dataDir, 'photos');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}
