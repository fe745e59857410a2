/** A failed call as one sentence for the user: the server's own message (Chinese) when it sent one. */
import { ApiRequestError, NetworkError } from '../../../api/api-client';

export function errorMessage(error: unknown): string {
  if (error instanceof ApiRequestError) {
    const issues = Array.isArray(error.body.issues) ? (error.body.issues as { path: string; message: string }[]) : [];
    const detail = issues.length > 1 ? `（${issues.length} 处）` : '';
    return `${error.message}${detail}`;
  }
  if (error instanceof NetworkError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
