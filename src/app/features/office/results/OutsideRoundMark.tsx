/**
 * The mark on a time that lies outside the round's dates (a submission or photo capture the
 * server accepted, but that the office may want to question): visible words, and the
 * explanation for the pointer (title) and for screen readers.
 */
import { useTranslation } from '../../../i18n';

export function OutsideRoundMark({ explanation }: { explanation: string }) {
  const { t } = useTranslation('office');
  return (
    <span className="badge badge--warn outside-round" title={explanation} data-testid="outside-round">
      {t('results.outsideRoundMark')}
      <span className="visually-hidden">{explanation}</span>
    </span>
  );
}
