/**
 * Vitest global setup: starts a throwaway PostgreSQL cluster (scripts/pg/throwaway.mjs) for the
 * storage tests and exports its URL as TEST_DATABASE_URL, then stops it after the run. Does
 * nothing when TEST_DATABASE_URL is already set (your own server) or CIVIC_SKIP_PG=1 (the
 * PostgreSQL suites are then skipped). Without PostgreSQL installed it fails, saying how to fix it.
 */
import { startThrowawayPostgres } from '../../../scripts/pg/throwaway.mjs';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.TEST_DATABASE_URL || process.env.CIVIC_SKIP_PG === '1') return undefined;
  const cluster = await startThrowawayPostgres();
  process.env.TEST_DATABASE_URL = cluster.url;
  return async () => {
    delete process.env.TEST_DATABASE_URL;
    await cluster.stop();
  };
}
