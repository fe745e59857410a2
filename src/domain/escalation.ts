/**
 * The escalation level of an open rectification (督办等级, issue #17), as city 督办单 mark it:
 * blue — due within 3 days; yellow — overdue; red — overdue by more than 7 days, or sent back
 * at recheck twice or more. Closed items have none. Screens show the level with its words,
 * never by colour alone; this module only says which level.
 */
export const ESCALATION_LEVELS = ['blue', 'yellow', 'red'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export interface EscalationInput {
  status: 'open' | 'closed';
  /** `YYYY-MM-DD`, Asia/Shanghai. */
  dueOn: string;
  /** Times a recheck found it not fixed (返工). */
  sentBack: number;
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The level on `today` (Shanghai date), or null when nothing presses. */
export function escalationLevel(item: EscalationInput, today: string): EscalationLevel | null {
  if (item.status === 'closed') return null;
  const overdueDays = daysBetween(item.dueOn, today);
  if (overdueDays > 7 || item.sentBack >= 2) return 'red';
  if (overdueDays > 0) return 'yellow';
  if (-overdueDays <= 3) return 'blue';
  return null;
}
