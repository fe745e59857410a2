import type { ReactNode } from 'react';

export interface ChoiceButtonProps {
  checked: boolean;
  /** `grade-button` and its modifiers. */
  className: string;
  disabled: boolean;
  onChoose: () => void;
  children: ReactNode;
}

/** One option of a grade or verdict choice: a big button that is a radio, so every choice reads and focuses alike. */
export function ChoiceButton(props: ChoiceButtonProps) {
  return (
    <button
      type="button"
      role="radio"
      aria-checked={props.checked}
      className={props.className}
      disabled={props.disabled}
      onClick={props.onChoose}
    >
      {props.children}
    </button>
  );
}
