import { useState } from 'react';
import { useTranslation } from '../i18n';
import { Field } from './Field';

/** The wire format's limit for a note (src/domain/wire.ts). */
export const NOTE_MAX_LENGTH = 2000;
/** From here on the field shows how much room is left. */
const COUNT_FROM = NOTE_MAX_LENGTH - 200;

export interface NoteFieldProps {
  label: string;
  placeholder: string;
  rows: number;
  /** The stored note: the field is uncontrolled, each keystroke goes to onNote. */
  note: string | undefined;
  readOnly: boolean;
  onNote: (note: string) => void;
}

/**
 * A checklist item's or a recheck's note: one field, so both keep the same 2000-character limit
 * and behaviour. Near the limit it counts, and at the limit it says so: a long paste is cut by
 * the browser, and the person must know the end of it was not kept. The count stands outside
 * the label, so that it is not read as part of the field's name.
 */
export function NoteField(props: NoteFieldProps) {
  const { t } = useTranslation();
  const [length, setLength] = useState(props.note?.length ?? 0);
  return (
    <>
      <Field label={props.label}>
        <textarea
          className="field__input"
          rows={props.rows}
          defaultValue={props.note ?? ''}
          placeholder={props.placeholder}
          readOnly={props.readOnly}
          maxLength={NOTE_MAX_LENGTH}
          onChange={(event) => {
            setLength(event.target.value.length);
            props.onNote(event.target.value);
          }}
        />
      </Field>
      {length >= COUNT_FROM && (
        <span
          className={length >= NOTE_MAX_LENGTH ? 'field__hint field__hint--warn' : 'muted field__hint'}
          role="status"
        >
          {length >= NOTE_MAX_LENGTH
            ? t('common.noteFull', { max: NOTE_MAX_LENGTH })
            : t('common.noteLength', { length, max: NOTE_MAX_LENGTH })}
        </span>
      )}
    </>
  );
}
