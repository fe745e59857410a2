/**
 * Persistent storage: asked for once, after the first thing is saved (browsers grant it more
 * readily to a page that has stored data), so IndexedDB is not evicted under storage pressure.
 * And the usage figures shown to the inspector.
 */
import type { CivicDatabase } from '../db/database';
import { getMeta, setPersistRequested } from '../db/meta';

export async function requestPersistenceOnce(db: CivicDatabase, now: Date): Promise<void> {
  if (!navigator.storage?.persist || (await getMeta(db, 'persistRequested'))) return;
  const granted = await navigator.storage.persist().catch(() => false);
  await setPersistRequested(db, granted, now);
}

export interface StorageUsage {
  usedBytes: number;
  freeBytes: number;
}

export async function storageUsage(): Promise<StorageUsage | undefined> {
  if (!navigator.storage?.estimate) return undefined;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  return { usedBytes: usage, freeBytes: Math.max(0, quota - usage) };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
