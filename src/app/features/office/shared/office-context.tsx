/**
 * What every office page needs, provided once by the workspace: the office API (over the app's
 * API client and token), the signed-in user, the clock, the photo cache and prefetched requests.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { User } from '../../../../domain/wire';
import type { OfficeApi } from '../../../api/office-api';
import type { PhotoCache } from './photo-cache';

export interface OfficeContextValue {
  api: OfficeApi;
  user: User;
  now: () => Date;
  photos: PhotoCache;
  /** Requests started ahead of the component that needs them, taken (once) by that component. */
  prefetched: Map<string, Promise<unknown>>;
}

const OfficeContext = createContext<OfficeContextValue | undefined>(undefined);

export function OfficeProvider({ value, children }: { value: OfficeContextValue; children: ReactNode }) {
  return <OfficeContext.Provider value={value}>{children}</OfficeContext.Provider>;
}

export function useOffice(): OfficeContextValue {
  const value = useContext(OfficeContext);
  if (!value) throw new Error('useOffice outside OfficeProvider');
  return value;
}
