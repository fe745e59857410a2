/**
 * A table that stays smooth with 10,000 rows: only the rows in view (plus a few) are in the
 * DOM (@tanstack/react-virtual), each a fixed-height CSS-grid row. ARIA table semantics with
 * `aria-rowcount`/`aria-rowindex`, so screen readers know the real size; sortable columns are
 * buttons in the header with `aria-sort`.
 */
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, type ReactNode } from 'react';

export type SortDirection = 'asc' | 'desc';

export interface Column<R> {
  key: string;
  header: ReactNode;
  /** A CSS grid track: `8rem`, `minmax(12rem, 2fr)`. */
  width: string;
  render: (row: R) => ReactNode;
  sortable?: boolean;
  numeric?: boolean;
}

export interface VirtualTableProps<R> {
  label: string;
  columns: readonly Column<R>[];
  /** Every row in memory, or (`count` + `rowAt`) rows fetched a page at a time as they come into view. */
  rows?: readonly R[];
  /** The number of rows when they are not all in memory; a row not yet arrived shows as a blank placeholder. */
  count?: number;
  rowAt?: (index: number) => R | undefined;
  /** Called with the indexes in view (overscan included) after each render: fetch what is missing. */
  onRange?: (start: number, end: number) => void;
  rowKey: (row: R) => string;
  /** The rows shown are about to be replaced (a new sort or filter on its way from the server). */
  busy?: boolean;
  /** A new value (a new sort or filter) scrolls the body back to the first row. */
  scrollKey?: string;
  sort?: { key: string; direction: SortDirection } | undefined;
  onSort?: (key: string) => void;
  rowClassName?: (row: R) => string | undefined;
  /** Height of the scrolling body in px. */
  height?: number;
  rowHeight?: number;
  empty?: ReactNode;
  testId?: string;
  /** The body's size before it is measured (tests, first paint). */
  initialRect?: { width: number; height: number };
}

export function VirtualTable<R>({
  label,
  columns,
  rows,
  count,
  rowAt,
  onRange,
  rowKey,
  busy = false,
  scrollKey,
  sort,
  onSort,
  rowClassName,
  height = 560,
  rowHeight = 40,
  empty,
  testId,
  initialRect,
}: VirtualTableProps<R>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const total = rows ? rows.length : (count ?? 0);
  const at = (index: number): R | undefined => (rows ? rows[index] : rowAt?.(index));
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read in this render only, never memoised.
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    initialRect: initialRect ?? { width: 1200, height },
    // A zero size means "not laid out" (a hidden tab, a DOM without layout): keep the last size
    // rather than render no row at all.
    observeElementRect: (instance, onChange) =>
      observeElementRect(instance, (rect) => {
        if (rect.width > 0 || rect.height > 0) onChange(rect);
      }),
    // A placeholder is keyed by its place: the row that replaces it mounts anew, which is fine.
    getItemKey: (index) => {
      const row = at(index);
      return row === undefined ? `#${index}` : rowKey(row);
    },
    // Let React batch the re-render of a scroll with the next frame instead of forcing it inside
    // the scroll event (fixed row heights: nothing to measure synchronously).
    useFlushSync: false,
  });
  const template = columns.map((column) => column.width).join(' ');
  // A body that scrolls must be reachable from the keyboard (axe: scrollable-region-focusable):
  // a tab stop, named after the table, that the arrow and page keys then scroll.
  const scrolls = total * rowHeight > height;
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (last >= first) onRange?.(first, last);
  }, [onRange, first, last]);
  useEffect(() => {
    if (scrollKey !== undefined && scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [scrollKey]);

  return (
    <div
      className="vtable"
      role="table"
      aria-label={label}
      aria-rowcount={total + 1}
      aria-busy={busy || undefined}
      data-testid={testId}
    >
      <div role="rowgroup" className="vtable__head">
        <div role="row" aria-rowindex={1} className="vtable__row" style={{ gridTemplateColumns: template }}>
          {columns.map((column) => {
            const sorted = sort?.key === column.key ? sort.direction : undefined;
            return (
              <div
                key={column.key}
                role="columnheader"
                className={column.numeric ? 'vtable__cell vtable__cell--num' : 'vtable__cell'}
                aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
              >
                {column.sortable && onSort ? (
                  <button type="button" className="vtable__sort" onClick={() => onSort(column.key)}>
                    {column.header}
                    <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ' ↕'}</span>
                  </button>
                ) : (
                  column.header
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div
        ref={scrollRef}
        role="rowgroup"
        className="vtable__body"
        style={total > 0 ? { height: Math.min(height, total * rowHeight) } : undefined}
        {...(scrolls && { tabIndex: 0, 'aria-label': label })}
      >
        {total === 0 && empty ? (
          <div className="vtable__empty">{empty}</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = at(item.index);
              if (row === undefined)
                return (
                  <div
                    key={item.key}
                    role="row"
                    aria-rowindex={item.index + 2}
                    aria-busy="true"
                    className="vtable__row vtable__row--pending"
                    style={{
                      gridTemplateColumns: template,
                      height: rowHeight,
                      transform: `translateY(${item.start}px)`,
                    }}
                  />
                );
              return (
                <VirtualRow
                  key={item.key}
                  row={row}
                  index={item.index}
                  start={item.start}
                  height={rowHeight}
                  template={template}
                  columns={columns}
                  className={rowClassName?.(row)}
                />
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

interface VirtualRowProps<R> {
  row: R;
  index: number;
  start: number;
  height: number;
  template: string;
  columns: readonly Column<R>[];
  className: string | undefined;
}

/**
 * One row, memoised: while scrolling only the rows that come into view render; the others keep
 * their props (same row, same place) and are skipped.
 */
const VirtualRow = memo(function VirtualRow<R>({
  row,
  index,
  start,
  height,
  template,
  columns,
  className,
}: VirtualRowProps<R>) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={className ? `vtable__row ${className}` : 'vtable__row'}
      style={{ gridTemplateColumns: template, height, transform: `translateY(${start}px)` }}
    >
      {columns.map((column) => (
        <div
          key={column.key}
          role="cell"
          className={column.numeric ? 'vtable__cell vtable__cell--num' : 'vtable__cell'}
        >
          {column.render(row)}
        </div>
      ))}
    </div>
  );
}) as <R>(props: VirtualRowProps<R>) => ReactNode;
