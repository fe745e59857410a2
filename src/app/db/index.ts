/**
 * The app's IndexedDB module (the only Dexie importer): the database and its repositories.
 * What is stored where is described in `database.ts`; each repository's header says why.
 */
export {
  CivicDatabase,
  openCivicDatabase,
  StorageFullError,
  STORAGE_FULL_MESSAGE,
  isQuotaError,
  isConnectionLost,
  withStorageGuard,
  type CivicDatabaseOptions,
} from './database';
export { DATABASE_NAME, SCHEMA_VERSION } from './schema';
export { NotEditableError, RecordNotFoundError } from './errors';
export { newUuid } from './ids';
export * from './types';
export * from './session';
export * from './inspections';
export * from './rechecks';
export * from './recheck-reads';
export * from './before-photos';
export * from './outbox';
export * from './retention';
export * from './meta';
