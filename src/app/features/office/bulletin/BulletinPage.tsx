/**
 * The bulletin (通报) as a printable A4 page: wording from `buildBulletin` (the round report,
 * phrased the way city offices write), the district ranking, the common problems, the
 * requirements, issuer and date, and the attachment listing the sites that must rectify with
 * their due dates. The issuer and date can be adjusted before printing; navigation and these
 * controls are hidden in print (styles.css, `@page` A4).
 */
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from '../../../i18n';
import { latestResults } from '../../../../domain/report';
import { useRound } from '../rounds/round-context';
import { Field } from '../../../ui/Field';
import { cityToday } from '../shared/format';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { useRoundReport } from '../report/use-round-report';
import { ATTACHMENT_HEADER, buildBulletin, RANKING_HEADER, type Bulletin } from './bulletin';

export function BulletinPage() {
  const { t } = useTranslation('office');
  const { now } = useOffice();
  const { round, siteById, feed } = useRound();
  const loaded = useRoundReport();
  const [issuer, setIssuer] = useState('市创文办');
  const [issuedOn, setIssuedOn] = useState(() => cityToday(now()));

  const scores = useMemo(() => {
    const latest = latestResults(
      feed.inspections
        .filter((row) => siteById.has(row.siteId))
        .map((row) => ({ ...row, inspectionId: row.id, deductions: [] })),
    );
    return new Map([...latest].map(([siteId, result]) => [siteId, result.score]));
  }, [feed.inspections, siteById]);
  const bulletin = useMemo(
    () =>
      loaded.data &&
      buildBulletin({
        round,
        report: loaded.data.report,
        sites: siteById,
        scores,
        itemTitle: loaded.data.itemTitle,
        issuedOn: issuedOn || cityToday(now()),
        issuer: issuer.trim() || '市创文办',
      }),
    [loaded.data, round, siteById, scores, issuedOn, issuer, now],
  );

  if (!bulletin) return <LoadState error={loaded.error} onRetry={loaded.reload} />;
  return (
    <div className="bulletin-page">
      <div className="toolbar toolbar--wrap no-print">
        <Field label={t('bulletin.issuer')}>
          <input className="field__input" value={issuer} onChange={(event) => setIssuer(event.target.value)} />
        </Field>
        <Field label={t('bulletin.date')}>
          <input
            className="field__input"
            type="date"
            value={issuedOn}
            onChange={(event) => setIssuedOn(event.target.value)}
          />
        </Field>
        <span className="toolbar__grow muted">{t('bulletin.hint')}</span>
        <button type="button" className="button button--primary" onClick={() => window.print()}>
          {t('bulletin.print')}
        </button>
      </div>
      <BulletinText bulletin={bulletin} />
    </div>
  );
}

/** The bulletin itself, as printed. */
function BulletinText({ bulletin }: { bulletin: Bulletin }) {
  return (
    <article className="bulletin" data-testid="bulletin" lang="zh-CN">
      <h1 className="bulletin__title">{bulletin.title}</h1>
      <p className="bulletin__salutation">{bulletin.salutation}</p>
      <p className="bulletin__para">{bulletin.opening}</p>
      <h2 className="bulletin__heading">{bulletin.overview.heading}</h2>
      <Paragraphs texts={bulletin.overview.paragraphs} />
      <h2 className="bulletin__heading">{bulletin.ranking.heading}</h2>
      <Paragraphs texts={bulletin.ranking.paragraphs} />
      <BulletinTable testId="bulletin-ranking" header={RANKING_HEADER}>
        {bulletin.ranking.rows.map((row) => (
          <tr key={row.district}>
            <td>{row.rank}</td>
            <td>{row.district}</td>
            <td>{row.sites}</td>
            <td>{row.inspected}</td>
            <td>{row.fullMarks}</td>
            <td>{row.toRectify}</td>
            <td>{row.averageScore}</td>
          </tr>
        ))}
      </BulletinTable>
      <h2 className="bulletin__heading">{bulletin.problems.heading}</h2>
      <Paragraphs texts={bulletin.problems.paragraphs} />
      <Paragraphs texts={bulletin.problems.items} />
      <h2 className="bulletin__heading">{bulletin.requirements.heading}</h2>
      <Paragraphs texts={bulletin.requirements.paragraphs} />
      <p className="bulletin__sign">
        {bulletin.issuer}
        <br />
        {bulletin.issuedOn}
      </p>
      {bulletin.attachment.rows.length > 0 && (
        <section className="bulletin__attachment">
          <h2 className="bulletin__heading">{bulletin.attachment.heading}</h2>
          <BulletinTable testId="bulletin-attachment" header={ATTACHMENT_HEADER}>
            {bulletin.attachment.rows.map((row) => (
              <tr key={row.index}>
                <td className="nowrap">{row.index}</td>
                <td className="nowrap">{row.district}</td>
                <td>{row.name}</td>
                <td className="nowrap">{row.type}</td>
                <td className="nowrap">{row.score}</td>
                <td className="bulletin__problems">{row.problems}</td>
                <td className="nowrap">{row.dueOn}</td>
              </tr>
            ))}
          </BulletinTable>
        </section>
      )}
    </article>
  );
}

/** A section's paragraphs of body text. */
function Paragraphs({ texts }: { texts: readonly string[] }) {
  return texts.map((text) => (
    <p key={text} className="bulletin__para">
      {text}
    </p>
  ));
}

/** The ranking and the attachment share the bulletin's table layout: column heads over the rows. */
function BulletinTable({
  testId,
  header,
  children,
}: {
  testId: string;
  header: readonly string[];
  children: ReactNode;
}) {
  return (
    <table className="bulletin__table" data-testid={testId}>
      <thead>
        <tr>
          {header.map((head) => (
            <th key={head} scope="col">
              {head}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
