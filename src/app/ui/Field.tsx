import type { ReactNode } from 'react';

/**
 * A form control with its label: every form, filter bar and search box labels its inputs alike.
 * `labelHidden` keeps the label for screen readers only (a search box whose placeholder says it).
 */
export function Field({
  label,
  grow = false,
  labelHidden = false,
  children,
}: {
  label: ReactNode;
  /** Takes the toolbar's free width. */
  grow?: boolean;
  labelHidden?: boolean;
  children: ReactNode;
}) {
  return (
    <label className={grow ? 'field toolbar__grow' : 'field'}>
      <span className={labelHidden ? 'visually-hidden' : 'field__label'}>{label}</span>
      {children}
    </label>
  );
}
