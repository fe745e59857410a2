import { Field } from './Field';

export interface NoteFieldProps {
  label: string;
  placeholder: string;
  rows: number;
  /** The stored note: the field is uncontrolled, each keystroke goes to onNote. */
  note: string | undefined;
  readOnly: boolean;
  onNote: (note: string) => void;
}

/** A checklist item's or a recheck's note: one field, so both keep the same 2000-character limit and behaviour. */
export function NoteField(props: NoteFieldProps) {
  return (
    <Field label={props.label}>
      <textarea
        className="field__input"
        rows={props.rows}
        defaultValue={props.note ?? ''}
        placeholder={props.placeholder}
        readOnly={props.readOnly}
        maxLength={2000}
        onChange={(event) => props.onNote(event.target.value)}
      />
    </Field>
  );
}
