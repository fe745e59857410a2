import type { ReactNode } from 'react';

/** A form control with its visible label above it: every form and filter bar labels its inputs alike. */
export function Field({ label, grow = false, children }: { label: ReactNode; grow?: boolean; children: ReactNode }) {
  return (
    <label className={grow ? 'field toolbar__grow' : 'field'}>
      <span className="field__label">{label}</span>
      {children}
    </label>
  );
}
