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
