import { useTranslation } from '../../../i18n';
import { Link } from 'wouter';
import { useLoad } from '../shared/use-load';
import { useOffice } from '../shared/office-context';
import { LoadState } from '../shared/LoadState';
import { RoundForm } from './RoundForm';

/** The rounds, newest first, and the form that creates one. */
export function RoundsPage() {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const rounds = useLoad('rounds', (signal) => api.rounds(signal));

  return (
    <section className="office-page">
      <h1>{t('rounds.title')}</h1>
      {!rounds.data ? (
        <LoadState error={rounds.error} onRetry={rounds.reload} />
      ) : rounds.data.length === 0 ? (
        <p className="notice">{t('rounds.empty')}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('rounds.name')}</th>
              <th scope="col">{t('rounds.id')}</th>
              <th scope="col">{t('rounds.dates')}</th>
              <th scope="col" className="num">
                {t('rounds.threshold')}
              </th>
              <th scope="col" className="num">
                {t('rounds.days')}
              </th>
              <th scope="col">{t('rounds.rubric')}</th>
            </tr>
          </thead>
          <tbody>
            {rounds.data.map((round) => (
              <tr key={round.id}>
                <td>
                  <Link href={`/office/rounds/${encodeURIComponent(round.id)}`}>{round.name}</Link>
                </td>
                <td>
                  <code>{round.id}</code>
                </td>
                <td>
                  {round.startsOn} – {round.endsOn}
                </td>
                <td className="num">{round.rectifyBelow}</td>
                <td className="num">{round.rectifyDays}</td>
                <td>{round.rubricVersion}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('rounds.create')}</h2>
      <RoundForm
        onCreate={async (input) => {
          await api.createRound(input);
          rounds.reload();
        }}
      />
    </section>
  );
}
