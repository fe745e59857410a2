/**
 * Importing sites: choose a CSV or Excel file, see every row — new, update (with each changed
 * field's saved and new value), or what is wrong with it — and only then save the good rows
 * (`PUT /api/sites`, up to 5,000 per request). Nothing is sent before the user confirms. The
 * rows left out can be downloaded, before or after the import, as a CSV with the file's own
 * header plus a reason column, to fix and import again.
 */
import { useState } from 'react';
import { useTranslation } from '../../../i18n';
import type { Site } from '../../../../domain/wire';
import { chunks } from '../rounds/assignments';
import { csvBlob } from '../export/csv';
import { saveBlob, safeFileName } from '../shared/download';
import { errorMessage } from '../shared/errors';
import { VirtualTable, type Column } from '../shared/VirtualTable';
import {
  importableSites,
  previewFile,
  rejectedTable,
  SITE_TYPE_ALIASES,
  type ExistingSites,
  type ImportIssue,
  type ImportPreview,
  type ImportRow,
} from './site-import';
import { Field } from '../../../ui/Field';

/** The accepted type names, for the unknown-type message: `中心/实践中心/…` per type. */
const ACCEPTED_TYPES = {
  center: SITE_TYPE_ALIASES.center.join('/'),
  institute: SITE_TYPE_ALIASES.institute.join('/'),
  station: SITE_TYPE_ALIASES.station.join('/'),
};

/** The words for one issue of a row: `名称：必填`. */
function useIssueText(): (issue: ImportIssue) => string {
  const { t } = useTranslation('office');
  return (issue) =>
    t('import.issueText', {
      field: t(`sites.${issue.field}`),
      problem: t(`import.issue.${issue.code}`, { value: issue.value ?? '', ...ACCEPTED_TYPES }),
    });
}

/** Saves the rows an import leaves out as `{file}-有误的行.csv` (UTF-8 with BOM). */
function useDownloadRejected(): (preview: ImportPreview) => void {
  const { t } = useTranslation('office');
  const issueText = useIssueText();
  return (preview) => {
    const table = rejectedTable(preview, t('import.reasonHeader'), (row) =>
      row.issues.map(issueText).join(t('import.reasonSeparator')),
    );
    const base = preview.fileName.replace(/\.[^.]*$/, '');
    saveBlob(csvBlob(table), safeFileName(t('import.rejectedFile', { name: base })));
  };
}

export function ImportSites({
  existingIds,
  existing = existingIds,
  onImport,
}: {
  /** Saved sites: a map shows each update's old values; ids alone only tell updates apart. */
  existing?: ExistingSites;
  existingIds?: ReadonlySet<string>;
  onImport: (sites: Site[]) => Promise<void>;
}) {
  const { t } = useTranslation('office');
  const [preview, setPreview] = useState<ImportPreview>();
  /** The last import's preview when it left rows out: they stay downloadable. */
  const [leftOut, setLeftOut] = useState<ImportPreview>();
  const [status, setStatus] = useState<{ busy: boolean; ok?: string; error?: string }>({ busy: false });
  const downloadRejected = useDownloadRejected();

  const read = async (file: File) => {
    setPreview(undefined);
    setLeftOut(undefined);
    setStatus({ busy: true });
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      setPreview(await previewFile({ name: file.name, bytes }, existing ?? new Set()));
      setStatus({ busy: false });
    } catch (error) {
      setStatus({ busy: false, error: t('import.readFailed', { message: errorMessage(error) }) });
    }
  };
  const save = async () => {
    if (!preview) return;
    const sites = importableSites(preview);
    setStatus({ busy: true });
    try {
      for (const chunk of chunks(sites)) await onImport(chunk);
      setPreview(undefined);
      if (preview.rows.some((row) => row.status === 'error')) setLeftOut(preview);
      setStatus({ busy: false, ok: t('import.imported', { count: sites.length }) });
    } catch (error) {
      setStatus({ busy: false, error: errorMessage(error) });
    }
  };

  return (
    <section className="office-card" aria-labelledby="import-title">
      <h2 id="import-title">{t('import.title')}</h2>
      <p className="muted">{t('import.hint')}</p>
      <Field label={t('import.choose')}>
        <input
          className="field__input"
          type="file"
          accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={status.busy}
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void read(file);
          }}
        />
      </Field>
      {status.busy && <p role="status">{t('import.reading')}</p>}
      {status.error && (
        <p className="notice notice--error" role="alert">
          {status.error}
        </p>
      )}
      {status.ok && (
        <p className="notice notice--ok" role="status">
          {status.ok}
        </p>
      )}
      {leftOut && !preview && (
        <p className="notice notice--error">
          {t('import.leftOut', { count: leftOut.rows.filter((row) => row.status === 'error').length })}{' '}
          <button type="button" className="button" onClick={() => downloadRejected(leftOut)}>
            {t('import.downloadRejected')}
          </button>
        </p>
      )}
      {preview && (
        <ImportPreviewView
          preview={preview}
          busy={status.busy}
          onConfirm={() => void save()}
          onCancel={() => setPreview(undefined)}
        />
      )}
    </section>
  );
}

export function ImportPreviewView({
  preview,
  busy = false,
  onConfirm,
  onCancel,
}: {
  preview: ImportPreview;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('office');
  const issueText = useIssueText();
  const downloadRejected = useDownloadRejected();
  const count = (status: ImportRow['status']) => preview.rows.filter((row) => row.status === status).length;
  const good = count('new') + count('update');
  const bad = count('error');
  const shown = (value: string | number | null) => (value === null || value === '' ? t('import.emptyValue') : value);
  const columns: Column<ImportRow>[] = [
    { key: 'line', header: t('import.line'), width: '4rem', render: (row) => row.line, numeric: true },
    {
      key: 'status',
      header: t('import.status'),
      width: '5rem',
      render: (row) => (
        <span
          className={row.status === 'error' ? 'badge badge--bad' : row.status === 'new' ? 'badge badge--ok' : 'badge'}
        >
          {t(`import.statusName.${row.status}`)}
        </span>
      ),
    },
    { key: 'id', header: t('sites.id'), width: 'minmax(7rem, 1fr)', render: (row) => row.raw.id },
    { key: 'name', header: t('sites.name'), width: 'minmax(12rem, 2fr)', render: (row) => row.raw.name },
    {
      key: 'type',
      header: t('sites.type'),
      width: '4rem',
      render: (row) => (row.site ? t(`siteType.${row.site.type}`) : row.raw.type),
    },
    { key: 'district', header: t('sites.district'), width: '6rem', render: (row) => row.raw.district },
    { key: 'parentId', header: t('sites.parentId'), width: 'minmax(6rem, 1fr)', render: (row) => row.raw.parentId },
    {
      key: 'changes',
      header: t('import.changes'),
      width: 'minmax(14rem, 3fr)',
      render: (row) => {
        if (row.changes === undefined) return null;
        if (row.changes.length === 0) return <span className="muted">{t('import.unchanged')}</span>;
        const text = row.changes
          .map((change) =>
            t('import.change', { field: t(`sites.${change.field}`), from: shown(change.from), to: shown(change.to) }),
          )
          .join(t('import.reasonSeparator'));
        return (
          <span className="import-changes" title={text}>
            {text}
          </span>
        );
      },
    },
    {
      key: 'problems',
      header: t('import.problems'),
      width: 'minmax(14rem, 3fr)',
      render: (row) => (
        <span className={row.issues.length > 0 ? 'import-issues' : 'muted'}>
          {row.issues.map(issueText).join(t('import.reasonSeparator'))}
          {row.unknownParent && t('import.unknownParent', { id: row.site?.parentId })}
        </span>
      ),
    },
  ];

  return (
    <div className="import-preview" data-testid="import-preview">
      <p>
        {t('import.file', { name: preview.fileName, format: preview.format === 'xlsx' ? 'Excel' : 'CSV' })}
        {preview.encoding && ` · ${t('import.encoding', { encoding: preview.encoding.toUpperCase() })}`}
      </p>
      {preview.missingColumns.length > 0 ? (
        <p className="notice notice--error" role="alert">
          {t('import.missingColumns', {
            columns: preview.missingColumns.map((field) => t(`sites.${field}`)).join(t('import.listSeparator')),
          })}
        </p>
      ) : preview.rows.length === 0 ? (
        <p className="notice">{t('import.empty')}</p>
      ) : (
        <>
          <p role="status" data-testid="import-summary">
            {t('import.summary', {
              total: preview.rows.length,
              new: count('new'),
              update: count('update'),
              error: bad,
            })}
          </p>
          {preview.ignoredHeaders.length > 0 && (
            <p className="muted">
              {t('import.ignored', { columns: preview.ignoredHeaders.join(t('import.listSeparator')) })}
            </p>
          )}
          <VirtualTable
            label={t('import.title')}
            columns={columns}
            rows={preview.rows}
            rowKey={(row) => String(row.line)}
            rowClassName={(row) => (row.status === 'error' ? 'vtable__row--bad' : undefined)}
            height={360}
            rowHeight={52}
            testId="import-rows"
          />
        </>
      )}
      <div className="toolbar">
        <button type="button" className="button button--primary" disabled={busy || good === 0} onClick={onConfirm}>
          {bad > 0 ? t('import.importSkipping', { count: good, errors: bad }) : t('import.import', { count: good })}
        </button>
        <button type="button" className="button" disabled={busy} onClick={onCancel}>
          {t('import.cancel')}
        </button>
        {bad > 0 && (
          <button type="button" className="button" onClick={() => downloadRejected(preview)}>
            {t('import.downloadRejected')}
          </button>
        )}
      </div>
    </div>
  );
}
