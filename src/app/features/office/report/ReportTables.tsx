/**
 * The round report's tables, exactly the figures of `GET /api/rounds/{id}/report`: per site
 * type and per district (sites, inspected, full marks, to rectify, average; districts with
 * their rank), the common problems with counts and example photos, and the rectification list
 * with due dates, overdue ones marked (Asia/Shanghai today).
 */
import { useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import type { ReportRectification, RoundReport } from '../../../../domain/report';
import { SITE_TYPES } from '../../../../domain/rubric';
import type { Site } from '../../../../domain/wire';
import { Field } from '../../../ui/Field';
import { isOverdue } from '../shared/format';
import { DistrictRankTable, TallyCells, TallyHeads } from '../shared/tally';
import { PhotoThumb, type PhotoEntry } from '../shared/photos';
import { VirtualTable, type Column } from '../shared/VirtualTable';

export function TypeTable({ report }: { report: RoundReport }) {
  const { t } = useTranslation('office');
  const total = (key: 'sites' | 'inspected' | 'fullMarks' | 'toRectify') =>
    SITE_TYPES.reduce((sum, type) => sum + report.byType[type][key], 0);
  return (
    <table className="data-table" data-testid="report-by-type">
      <caption>{t('report.byType')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('report.type')}</th>
          <TallyHeads />
        </tr>
      </thead>
      <tbody>
        {SITE_TYPES.map((type) => (
          <tr key={type}>
            <th scope="row">{t(`siteType.${type}`)}</th>
            <TallyCells row={report.byType[type]} />
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t('report.total')}</th>
          <td className="num">{total('sites')}</td>
          <td className="num">{total('inspected')}</td>
          <td className="num">{total('fullMarks')}</td>
          <td className="num">{total('toRectify')}</td>
          <td className="num">—</td>
        </tr>
      </tfoot>
    </table>
  );
}

export function DistrictTable({ report }: { report: RoundReport }) {
  const { t } = useTranslation('office');
  return (
    <DistrictRankTable
      districts={report.byDistrict}
      caption={t('report.byDistrict')}
      className="data-table"
      testId="report-by-district"
    />
  );
}

export function CommonProblems({
  report,
  itemTitle,
  siteById,
  limit = 20,
  onOpenPhoto,
}: {
  report: RoundReport;
  /** The item's title in the interface's language (the report's own titles are Chinese). */
  itemTitle?: (itemId: string) => string;
  /** The round's sites, to say which site each example photo is from. */
  siteById?: ReadonlyMap<string, Site>;
  limit?: number;
  /** Opens the viewer on the problem's photos, each captioned with its item and site. */
  onOpenPhoto?: (photos: PhotoEntry[], index: number) => void;
}) {
  const { t } = useTranslation('office');
  const siteLabel = (siteId: string | undefined) => {
    if (siteId === undefined) return undefined;
    const site = siteById?.get(siteId);
    return site ? t('photo.siteLabel', { name: site.name, district: site.district }) : siteId;
  };
  if (report.commonProblems.length === 0) return <p className="muted">{t('report.noProblems')}</p>;
  return (
    <table className="data-table" data-testid="report-problems">
      <caption>{t('report.problems')}</caption>
      <thead>
        <tr>
          <th scope="col" className="num">
            {t('report.index')}
          </th>
          <th scope="col">{t('report.item')}</th>
          <th scope="col" className="num">
            {t('report.problemSites')}
          </th>
          <th scope="col">{t('report.examples')}</th>
        </tr>
      </thead>
      <tbody>
        {report.commonProblems.slice(0, limit).map((problem, index) => {
          const title = itemTitle?.(problem.itemId) ?? problem.title;
          const caption = `${problem.itemId} ${title}`;
          const entries: PhotoEntry[] = (problem.examplePhotos ?? []).map((sha256, photoIndex) => ({
            sha256,
            caption,
            site: siteLabel(problem.exampleSites?.[photoIndex]),
          }));
          return (
            <tr key={problem.itemId}>
              <td className="num">{index + 1}</td>
              <th scope="row">
                <span className="item-id">{problem.itemId}</span> {title}
              </th>
              <td className="num">{problem.sites}</td>
              <td>
                <span className="thumb-row">
                  {entries.map((entry, photoIndex) => (
                    <PhotoThumb
                      key={entry.sha256}
                      size="small"
                      sha256={entry.sha256}
                      thumbnail={problem.exampleThumbnails?.[photoIndex]}
                      alt={entry.site ? t('photo.altAtSite', { caption, site: entry.site }) : caption}
                      {...(onOpenPhoto && { onOpen: () => onOpenPhoto(entries, photoIndex) })}
                    />
                  ))}
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function RectificationList({
  report,
  siteById,
  itemTitle,
  today,
  onTrail,
}: {
  report: RoundReport;
  siteById: ReadonlyMap<string, Site>;
  itemTitle: (itemId: string) => string;
  today: string;
  /** 查看依据: what the site's score rests on. */
  onTrail?: (siteId: string) => void;
}) {
  const { t } = useTranslation('office');
  const [show, setShow] = useState<'all' | 'open' | 'overdue'>('all');
  const rows = useMemo(
    () =>
      [...report.rectifications]
        .filter((row) => (show === 'all' ? true : show === 'open' ? row.status === 'open' : isOverdue(row, today)))
        .sort(
          (a, b) =>
            a.dueOn.localeCompare(b.dueOn) || a.siteId.localeCompare(b.siteId) || a.itemId.localeCompare(b.itemId),
        ),
    [report.rectifications, show, today],
  );
  const overdue = useMemo(
    () => report.rectifications.filter((row) => isOverdue(row, today)).length,
    [report.rectifications, today],
  );
  const columns: Column<ReportRectification>[] = [
    {
      key: 'site',
      header: t('report.site'),
      width: 'minmax(12rem, 3fr)',
      render: (row) => siteById.get(row.siteId)?.name ?? row.siteId,
    },
    {
      key: 'district',
      header: t('report.district'),
      width: '6rem',
      render: (row) => siteById.get(row.siteId)?.district ?? '',
    },
    {
      key: 'item',
      header: t('report.item'),
      width: 'minmax(12rem, 3fr)',
      render: (row) => (
        <>
          <span className="item-id">{row.itemId}</span> {itemTitle(row.itemId)}
        </>
      ),
    },
    { key: 'grade', header: t('report.grade'), width: '4rem', render: (row) => row.grade },
    { key: 'dueOn', header: t('report.dueOn'), width: '7rem', render: (row) => row.dueOn },
    {
      key: 'status',
      header: t('report.status'),
      width: '8rem',
      render: (row) =>
        row.status === 'closed' ? (
          <span className="badge badge--ok">{t('report.closed')}</span>
        ) : isOverdue(row, today) ? (
          <span className="badge badge--bad">{t('report.overdue')}</span>
        ) : (
          <span className="badge badge--warn">{t('report.open')}</span>
        ),
    },
  ];
  if (onTrail)
    columns.push({
      key: 'trail',
      header: t('report.trail'),
      width: '7rem',
      render: (row) => (
        <button
          type="button"
          className="button button--small"
          aria-label={t('trail.ofSite', { site: siteById.get(row.siteId)?.name ?? row.siteId })}
          onClick={() => onTrail(row.siteId)}
        >
          {t('trail.open')}
        </button>
      ),
    });
  return (
    <div data-testid="report-rectifications">
      <div className="toolbar">
        <p role="status" className="toolbar__grow">
          {t('report.rectificationCount', {
            count: report.rectifications.length,
            open: report.rectifications.filter((row) => row.status === 'open').length,
            overdue,
            today,
          })}
        </p>
        <Field label={t('report.show')} labelHidden>
          <select
            className="field__input"
            value={show}
            onChange={(event) => setShow(event.target.value as typeof show)}
          >
            <option value="all">{t('report.showAll')}</option>
            <option value="open">{t('report.showOpen')}</option>
            <option value="overdue">{t('report.showOverdue')}</option>
          </select>
        </Field>
      </div>
      <VirtualTable
        label={t('report.rectifications')}
        columns={columns}
        rows={rows}
        rowKey={(row) => row.id}
        rowClassName={(row) => (isOverdue(row, today) ? 'vtable__row--bad' : undefined)}
        height={420}
        empty={t('report.noRectifications')}
        testId="rectification-table"
      />
    </div>
  );
}
