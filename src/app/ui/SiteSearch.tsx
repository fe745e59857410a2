import { Field } from './Field';

/** The search box over a list of sites (inspector's sites, office's site admin), its label read out only. */
export function SiteSearch({
  label,
  value,
  onChange,
  grow = false,
}: {
  label: string;
  value: string;
  onChange: (query: string) => void;
  /** Takes the toolbar's free width. */
  grow?: boolean;
}) {
  return (
    <Field label={label} grow={grow} labelHidden>
      <input
        className="field__input"
        type="search"
        placeholder={label}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}
