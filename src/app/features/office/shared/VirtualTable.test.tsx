// @vitest-environment happy-dom
/**
 * A virtual table whose body scrolls can be scrolled from the keyboard: the body is a tab stop
 * named after the table (axe's scrollable-region-focusable, seen on the report's
 * rectification list); a body that fits adds no tab stop.
 */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualTable, type Column } from './VirtualTable';

const columns: Column<number>[] = [{ key: 'n', header: 'No.', width: '4rem', render: (n) => n }];
afterEach(cleanup);

describe('virtual table body', () => {
  it('is focusable and labelled when it scrolls', () => {
    render(
      <VirtualTable
        label="整改清单"
        columns={columns}
        rows={Array.from({ length: 30 }, (_, n) => n)}
        rowKey={String}
        height={420}
      />,
    );
    const body = screen.getAllByRole('rowgroup')[1]!;
    expect(body.tabIndex).toBe(0);
    expect(body.getAttribute('aria-label')).toBe('整改清单');
    expect(screen.getByRole('rowgroup', { name: '整改清单' })).toBe(body);
  });

  it('stays out of the tab order when everything fits', () => {
    render(<VirtualTable label="整改清单" columns={columns} rows={[1, 2, 3]} rowKey={String} height={420} />);
    const body = screen.getAllByRole('rowgroup')[1]!;
    expect(body.hasAttribute('tabindex')).toBe(false);
    expect(body.hasAttribute('aria-label')).toBe(false);
  });
});

describe('virtual table of rows fetched a page at a time', () => {
  it('sizes itself to the count, asks for the rows in view, and shows a placeholder for the missing ones', () => {
    const ranges: [number, number][] = [];
    render(
      <VirtualTable<number>
        label="测评结果"
        columns={columns}
        count={100_000}
        rowAt={(index) => (index % 2 === 0 ? index : undefined)}
        onRange={(start, end) => ranges.push([start, end])}
        rowKey={String}
        height={400}
        rowHeight={40}
      />,
    );
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe('100001');
    const [start, end] = ranges.at(-1)!;
    expect(start).toBe(0);
    // Ten rows in view plus the overscan, not the 100,000.
    expect(end).toBeGreaterThanOrEqual(9);
    expect(end).toBeLessThan(40);
    const body = screen.getAllByRole('rowgroup')[1]!;
    const rows = [...body.querySelectorAll('[role="row"]')];
    expect(rows).toHaveLength(end - start + 1);
    expect(rows[0]!.textContent).toBe('0');
    expect(rows[1]!.getAttribute('aria-busy')).toBe('true');
    expect(rows[1]!.textContent).toBe('');
  });
});
