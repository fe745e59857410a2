/** What the tabs of one round share, provided by `RoundWorkspace`. */
import { createContext, useContext } from 'react';
import type { Round, Site } from '../../../../domain/wire';
import type { UserView } from '../../../api/office-api';
import type { InspectionFeed } from '../shared/use-inspection-feed';

export interface RoundData {
  round: Round;
  /** The round's scope: the sites assigned in it. */
  sites: Site[];
  siteById: ReadonlyMap<string, Site>;
  users: UserView[];
  userName: (userId: string) => string;
  feed: InspectionFeed;
  reloadRound: () => void;
  reloadScope: () => void;
}

export const RoundContext = createContext<RoundData | undefined>(undefined);

export function useRound(): RoundData {
  const value = useContext(RoundContext);
  if (!value) throw new Error('useRound outside RoundWorkspace');
  return value;
}
