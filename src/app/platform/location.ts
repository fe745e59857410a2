/**
 * One position fix for an inspection, asked for when it starts. Refused, unavailable or slow
 * location never blocks the work: the result is then `null`.
 */
export interface Fix {
  lat: number;
  lng: number;
  accuracy: number;
}

export type LocationOutcome = { fix: Fix } | { fix: null; reason: 'denied' | 'unavailable' };

export function locateOnce(timeoutMs = 15_000): Promise<LocationOutcome> {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) {
      resolve({ fix: null, reason: 'unavailable' });
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) =>
        resolve({
          fix: {
            lat: position.coords.latitude,
            lng: position.coords.longitude,
            accuracy: Math.round(position.coords.accuracy),
          },
        }),
      (error) => resolve({ fix: null, reason: error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable' }),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}

/** A fix with the time the device took it. */
export interface TimedFix extends Fix {
  /** Epoch milliseconds of the position. */
  at: number;
}

/**
 * Follows the position while a checklist is open (proof of presence: the fixes at photos and at
 * submit come from here, so neither waits for the GPS). Returns the function that stops it.
 * Errors are ignored: the work never depends on location.
 */
export function watchFixes(onFix: (fix: TimedFix) => void): () => void {
  // Some WebViews (and test doubles) give getCurrentPosition only.
  if (typeof navigator.geolocation?.watchPosition !== 'function') return () => undefined;
  const id = navigator.geolocation.watchPosition(
    (position) =>
      onFix({
        lat: position.coords.latitude,
        lng: position.coords.longitude,
        accuracy: Math.round(position.coords.accuracy),
        at: position.timestamp,
      }),
    () => undefined,
    { enableHighAccuracy: true, maximumAge: 30_000 },
  );
  return () => navigator.geolocation.clearWatch(id);
}

/** A watched fix still says where the phone is: at most two minutes old. */
export const FRESH_FIX_MS = 2 * 60_000;

export function freshFix(fix: TimedFix | undefined, nowMs: number): Fix | undefined {
  if (!fix || nowMs - fix.at > FRESH_FIX_MS) return undefined;
  return { lat: fix.lat, lng: fix.lng, accuracy: fix.accuracy };
}
