/** Types of throwaway.mjs, for TypeScript callers such as the vitest global setup. */
export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/civic_test (trust auth, no password). */
  url: string;
  port: number;
  folder: string;
  stateFile: string;
  stop(): Promise<void>;
}
export function findPostgresBin(): string;
export function startThrowawayPostgres(options?: {
  stateFile?: string;
  /** PostgreSQL's durable defaults (fsync, synchronous_commit, full_page_writes on) instead of fsync off. */
  durable?: boolean;
}): Promise<ThrowawayPostgres>;
export function stopThrowawayPostgres(stateFile: string): Promise<void>;
