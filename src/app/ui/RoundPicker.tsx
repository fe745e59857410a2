import { Field } from './Field';

/** The round to work on (inspector's sites, rechecker's list): a drop-down when there are several, else its name. */
export function RoundPicker({
  label,
  rounds,
  value,
  onChange,
}: {
  label: string;
  rounds: readonly { id: string; name: string }[];
  value: string | undefined;
  onChange: (roundId: string) => void;
}) {
  return rounds.length > 1 ? (
    <Field label={label} grow>
      <select className="field__input" value={value} onChange={(event) => onChange(event.target.value)}>
        {rounds.map((round) => (
          <option key={round.id} value={round.id}>
            {round.name}
          </option>
        ))}
      </select>
    </Field>
  ) : (
    <p className="muted toolbar__grow">{rounds[0]?.name}</p>
  );
}
