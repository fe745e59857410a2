import type { InputHTMLAttributes, Ref } from 'react';
import { Field } from './Field';

/**
 * A labelled text input with its validation message below, marked invalid for screen readers
 * while the message shows. Takes react-hook-form's `register(...)` spread (name, ref, handlers).
 */
export function TextField({
  label,
  error,
  ref,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string; ref?: Ref<HTMLInputElement> }) {
  return (
    <Field label={label}>
      <input className="field__input" aria-invalid={error ? true : undefined} ref={ref} {...input} />
      {error && <span className="field__error">{error}</span>}
    </Field>
  );
}
