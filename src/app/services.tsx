/**
 * What the app's features need, built once at start and handed down through React context:
 * the database, the API client (its token read from the stored session) and the photo
 * processor (its worker started on first use). Tests render features with their own services.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { createApiClient, type ApiClient } from './api/api-client';
import type { CivicDatabase } from './db/database';
import type { PhotoProcessor } from './photos/photo-processor';
import type { SyncService } from './sync/sync-service';

export interface AppServices {
  db: CivicDatabase;
  api: ApiClient;
  photos: PhotoProcessor;
  now: () => Date;
  /** The bearer token in memory, mirrored from the stored session. */
  setToken: (token: string | undefined) => void;
  /** The outbox's sync; absent in component tests that do not need it. */
  sync?: SyncService;
}

export interface ServicesOptions {
  /** The server refused the current token (see the API client's `onUnauthorized`). */
  onUnauthorized?: () => void;
}

export function createServices(
  db: CivicDatabase,
  token: string | undefined,
  options: ServicesOptions = {},
): AppServices {
  let currentToken = token;
  // The photo pipeline's code (and its worker) loads on the first photo, not in the first load.
  let processor: Promise<PhotoProcessor> | undefined;
  let loaded: PhotoProcessor | undefined;
  const loadProcessor = () =>
    (processor ??= import('./photos/photo-processor').then(
      ({ createPhotoProcessor }) => (loaded = createPhotoProcessor()),
      (error: unknown) => {
        // Offline before the code came: the next photo tries again instead of failing forever.
        processor = undefined;
        throw error;
      },
    ));
  return {
    db,
    api: createApiClient({ getToken: () => currentToken, ...options }),
    photos: {
      process: async (...args) => (await loadProcessor()).process(...args),
      dispose: () => loaded?.dispose(),
      prepare: () =>
        void loadProcessor().then(
          (ready) => ready.prepare?.(),
          () => undefined,
        ),
    },
    now: () => new Date(),
    setToken: (next) => {
      currentToken = next;
    },
  };
}

const ServicesContext = createContext<AppServices | undefined>(undefined);

export function ServicesProvider({ services, children }: { services: AppServices; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}
