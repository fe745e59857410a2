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
