/**
 * Signing in, refreshing the offline copy of the user's work, and signing out, as steps over
 * the API client and the database. Signing out never deletes unsynced work.
 */
import type { ReviewDecisionsPage } from '../../domain/review';
import { reviewCursor, saveReviewDecisions } from '../db/review-decisions';
import type { User } from '../../domain/wire';
import type { AppServices } from '../services';
import { clearSession, getSession, saveBootstrap, saveSession, signOutKeepingWork } from '../db/session';
import { setLastSyncAt } from '../db/outbox';
import type { Bootstrap } from '../db/types';

let sessionExpired = false;

/** Whether the last session ended because the server refused its token: the sign-in page says so. */
export function wasSessionExpired(): boolean {
  return sessionExpired;
}

/**
 * The server no longer accepts the token (expired, revoked by a sign-out elsewhere, the user
 * disabled): forget it and go back to the sign-in page, which says why. Only the session row
 * goes — drafts, photos and the outbox stay and sync after the next sign-in. Wired once in
 * main.tsx, for the API client's 401s and the sync's pause alike; running it twice is harmless.
 */
export async function endExpiredSession(services: AppServices): Promise<void> {
  sessionExpired = true;
  services.setToken(undefined);
  await clearSession(services.db);
}

/**
 * Inspectors and recheckers work offline from a downloaded copy of their work. The office
 * workspace reads the server directly and stores nothing on the device (OfficeWorkspace.tsx),
 * while its GET /api/bootstrap would be every round, site, assignment and rectification of the
 * city: supervisors and admins skip it.
 */
function keepsOfflineCopy(user: User): boolean {
  return user.role === 'inspector' || user.role === 'rechecker';
}

/**
 * A sign-in whose password is a generated or reset one: the server allows that session nothing
 * but changing the password (403 password_change_required elsewhere). It is held in memory only
 * — not stored, not the app's token, so neither the sync nor a reload uses it — until the
 * password is changed; a reload before that asks to sign in again.
 */
export interface PendingPasswordChange {
  token: string;
  user: User;
  /** The password just typed: the server asks for it again with the new one. */
  currentPassword: string;
}

/** Signs in; returns the pending change when the server requires a new password first. */
export async function signIn(
  services: AppServices,
  username: string,
  password: string,
): Promise<PendingPasswordChange | undefined> {
  const { token, user, mustChangePassword } = await services.api.signIn(username, password);
  if (mustChangePassword) return { token, user, currentPassword: password };
  await completeSignIn(services, token, user);
  return undefined;
}

/** Changes the password of a pending sign-in, then completes it like any sign-in. */
export async function changePasswordAndSignIn(
  services: AppServices,
  pending: PendingPasswordChange,
  newPassword: string,
): Promise<void> {
  await services.api.changePassword(pending.currentPassword, newPassword, pending.token);
  await completeSignIn(services, pending.token, pending.user);
}

/** Gives up a pending sign-in: its session ends on the server when reachable. */
export async function abandonPasswordChange(services: AppServices, pending: PendingPasswordChange): Promise<void> {
  await services.api.signOutToken(pending.token).catch(() => {
    // Offline: the session expires by itself and allows nothing but a password change meanwhile.
  });
}

async function completeSignIn(services: AppServices, token: string, user: User): Promise<void> {
  services.setToken(token);
  // Download the work before storing the session, so a signed-in field worker always has it offline.
  if (keepsOfflineCopy(user)) await downloadWork(services, user);
  await saveSession(services.db, { token, user, now: services.now() });
  sessionExpired = false;
  void services.sync?.resume();
}

/** Downloads the field worker's rounds, sites, rubric and rectifications again (while online). */
export async function refreshBootstrap(services: AppServices): Promise<void> {
  const session = await getSession(services.db);
  if (!session || !keepsOfflineCopy(session.user)) return;
  await downloadWork(services, session.user);
}

/**
 * Stores the server's current copy of the work. Downloading it is an exchange with the server
 * like any upload, so it counts as a sync: right after an online sign-in the sync page says
 * when the phone last reached the server, not "not synced yet".
 */
async function downloadWork(services: AppServices, user: User): Promise<void> {
  await saveBootstrap(services.db, await services.api.bootstrap<Bootstrap>());
  await pullReviewDecisions(services, user).catch(() => undefined); // the next sync pulls again
  await setLastSyncAt(services.db, services.now());
}

/**
 * Pulls the review decisions on this user's inspections made since the last pull (the cursor is
 * stored with them), a page at a time, so a 退回 reaches the phone on its next sync, not only at
 * sign-in. Field users only; a failure leaves the cursor where it was (the next sync retries).
 */
export async function pullReviewDecisions(services: AppServices, signedIn?: User): Promise<void> {
  const user = signedIn ?? (await getSession(services.db))?.user;
  if (user?.role !== 'inspector') return;
  for (let page = 0; page < MAX_REVIEW_PAGES; page++) {
    const pulled = await services.api.reviewDecisions<ReviewDecisionsPage>(await reviewCursor(services.db, user.id));
    await saveReviewDecisions(services.db, user.id, pulled);
    if (!pulled.more) return;
  }
}

/** Pages per pull at most (200 decisions each): the rest comes with the next sync. */
const MAX_REVIEW_PAGES = 10;

/** Ends the session on this device (and on the server when reachable); keeps all local work. */
export async function signOut(services: AppServices): Promise<void> {
  await services.api.signOut().catch(() => {
    // Offline or already expired: the token is forgotten locally either way.
  });
  services.setToken(undefined);
  await signOutKeepingWork(services.db);
}
