/**
 * Signing in, refreshing the offline copy of the user's work, and signing out, as steps over
 * the API client and the database. Signing out never deletes unsynced work.
 */
import type { AppServices } from '../services';
import { saveBootstrap, saveSession, signOutKeepingWork } from '../db/session';
import type { Bootstrap } from '../db/types';

let sessionExpired = false;

/** The server refused the stored token (401 during sync): the sign-in page says why. */
export function markSessionExpired(): void {
  sessionExpired = true;
}

export function wasSessionExpired(): boolean {
  return sessionExpired;
}

export async function signIn(services: AppServices, username: string, password: string): Promise<void> {
  const { token, user } = await services.api.signIn(username, password);
  services.setToken(token);
  // Download the work before storing the session, so a signed-in app always has it offline.
  const bootstrap = await services.api.bootstrap<Bootstrap>();
  await saveBootstrap(services.db, bootstrap);
  await saveSession(services.db, { token, user, now: services.now() });
  sessionExpired = false;
  void services.sync?.resume();
}

/** Downloads the user's rounds, sites, rubric and rectifications again (while online). */
export async function refreshBootstrap(services: AppServices): Promise<void> {
  await saveBootstrap(services.db, await services.api.bootstrap<Bootstrap>());
}

/** Ends the session on this device (and on the server when reachable); keeps all local work. */
export async function signOut(services: AppServices): Promise<void> {
  await services.api.signOut().catch(() => {
    // Offline or already expired: the token is forgotten locally either way.
  });
  services.setToken(undefined);
  await signOutKeepingWork(services.db);
}
