/**
 * Loaders of the route-level chunks that the inspector's phone uses (precached by the service
 * worker for offline). The checklist's is also called early, so that it does not wait for its
 * code: at start when the address is a checklist (main.tsx), and once the sites list is idle.
 */
export const loadInspectPage = () => import('./features/field/inspect/InspectPage');

/** Runs `loadInspectPage` when the main thread has nothing else to do (or soon, without requestIdleCallback). */
export function preloadInspectPageWhenIdle(): () => void {
  const load = () => void loadInspectPage().catch(() => undefined);
  if (typeof window.requestIdleCallback === 'function') {
    const handle = window.requestIdleCallback(load, { timeout: 5000 });
    return () => window.cancelIdleCallback(handle);
  }
  const handle = window.setTimeout(load, 1500);
  return () => window.clearTimeout(handle);
}
