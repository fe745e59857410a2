/**
 * What every route needs, built once at start and passed to the route plugins: the database,
 * the photo files, the rubric and the clock (injected so tests can move time).
 */
import type { Kysely } from 'kysely';
import type { ScryptCost } from './auth/passwords';
import type { ScryptPool } from './auth/scrypt-pool';
import type { Metrics } from './http/metrics';
import type { RubricStore } from './rubric-store';
import type { Database } from './storage/schema';
import type { PhotoStore } from './storage/photo-store';

export interface ServerContext {
  db: Kysely<Database>;
  engine: 'sqlite' | 'postgres';
  photos: PhotoStore;
  rubrics: RubricStore;
  now: () => Date;
  /** PUBLIC_URL: the origin of links the server hands out; unset, links are relative to the caller's origin. */
  publicUrl?: string;
  /** scrypt cost of new password hashes; unset in production (SCRYPT_COST). API tests lower it to stay fast. */
  passwordCost?: ScryptCost;
  /**
   * The worker threads that hash passwords (auth/scrypt-pool.ts). `buildApp` makes one when it is
   * not given, and closes it with the app; tests pass one to size its queue.
   */
  scrypt?: ScryptPool;
  /**
   * The secret site links' tokens are derived with (#17, services/site-links.ts): UNIT_LINK_SECRET
   * or `{DATA_DIR}/unit-link-secret`. Unset, `buildApp` makes a random one for this process
   * (tests): links then die with the process.
   */
  unitLinkSecret?: Uint8Array;
  /** This process's request and photo counters (http/metrics.ts); `buildApp` makes them when not given. */
  metrics?: Metrics;
}
