/**
 * The path as logged: the query string dropped, and a site link's token (`/unit/<token>`, #17) —
 * a credential — never written. Every log line that names a request's path uses this.
 */
export function loggedPath(url: string): string {
  return (url.split('?')[0] ?? '').replace(/^\/unit\/[^/]*/, '/unit/[redacted]');
}
