import type { ReactNode } from 'react';

/** A form control with its visible label: the office's filter bars and forms label their inputs alike. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      {children}
    </label>
  );
}
