/**
 * Keyboard moves in the review queue: j / ↓ next, k / ↑ previous — unless the supervisor is
 * typing (a comment box), where the keys mean letters and cursor moves.
 */
export function reviewMove(
  event: Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey'>,
  target: EventTarget | null,
): -1 | 0 | 1 {
  if (event.altKey || event.ctrlKey || event.metaKey) return 0;
  if (isTyping(target)) return 0;
  if (event.key === 'j' || event.key === 'ArrowDown') return 1;
  if (event.key === 'k' || event.key === 'ArrowUp') return -1;
  return 0;
}

function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as { tagName?: unknown }).tagName !== 'string') return false;
  const element = target as unknown as { tagName: string; isContentEditable?: boolean };
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName) || element.isContentEditable === true;
}

/** The next index within `count` rows, staying at the ends. */
export function stepIndex(index: number, move: -1 | 0 | 1, count: number): number {
  if (count === 0) return 0;
  return Math.min(count - 1, Math.max(0, index + move));
}

/** The listed rows that "approve all clean" sends: pending and without presence flags. */
export function cleanPending<T extends { reviewState: string; flags: readonly string[] }>(rows: readonly T[]): T[] {
  return rows.filter((row) => row.reviewState === 'pending' && row.flags.length === 0);
}
