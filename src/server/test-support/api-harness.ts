/**
 * Test harness for the API suites: starts the REAL server (`buildApp` with a real
 * `ServerContext`: the engine's database, the photo store in a temp DATA_DIR, the rubric from
 * `rubric/`, the first admin) on 127.0.0.1 port 0, and talks to it over HTTP with a small typed
 * client on global fetch. Fixtures create users of every role through the API, sign them in,
 * upsert sites, create rounds, assign, build valid inspections from the real rubric (photos
 * where the rubric needs them) and make real JPEG bytes with distinct hashes.
 *
 * Its parts: `test-server.ts` (the server and `useApiServer`), `http-client.ts`, `fixtures.ts`,
 * `db-peek.ts` (tables, row counts, photo files), `jpeg-bytes.ts`. Suites import them from here.
 *
 * Only test files import this module; the server never does.
 */
export * from './db-peek';
export * from './fixtures';
export * from './http-client';
export * from './jpeg-bytes';
export * from './test-server';
