import { describe, expect, it } from 'vitest';
import { daysBetween, escalationLevel } from './escalation';

describe('escalationLevel', () => {
  const open = (dueOn: string, sentBack = 0) => ({ status: 'open' as const, dueOn, sentBack });

  it('is blue from three days before the due date through the due date itself', () => {
    expect(escalationLevel(open('2021-08-10'), '2021-08-06')).toBeNull();
    expect(escalationLevel(open('2021-08-10'), '2021-08-07')).toBe('blue');
    expect(escalationLevel(open('2021-08-10'), '2021-08-10')).toBe('blue');
  });

  it('is yellow once overdue and red past seven days overdue', () => {
    expect(escalationLevel(open('2021-08-10'), '2021-08-11')).toBe('yellow');
    expect(escalationLevel(open('2021-08-10'), '2021-08-17')).toBe('yellow');
    expect(escalationLevel(open('2021-08-10'), '2021-08-18')).toBe('red');
  });

  it('is red when sent back twice, however far the due date', () => {
    expect(escalationLevel(open('2021-09-30', 1), '2021-08-01')).toBeNull();
    expect(escalationLevel(open('2021-09-30', 2), '2021-08-01')).toBe('red');
  });

  it('has no level once closed', () => {
    expect(escalationLevel({ status: 'closed', dueOn: '2021-08-01', sentBack: 3 }, '2021-09-01')).toBeNull();
  });

  it('counts calendar days across months', () => {
    expect(daysBetween('2021-07-30', '2021-08-02')).toBe(3);
    expect(daysBetween('2021-08-02', '2021-07-30')).toBe(-3);
  });
});
