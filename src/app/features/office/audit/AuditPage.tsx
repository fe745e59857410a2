/**
 * 操作记录: the audit trail, filtered by round, site, inspection and action, newest first, a
 * page at a time; exported to CSV; and (admin) the chain's integrity check, which names the
 * first entry that does not fit. Supervisors must name a round, site or inspection.
 */
import { useRef, useState } from 'react';
import { useTranslation } from '../../../i18n';
import type { AuditEntryView, ChainReport } from '../../../../domain/audit';
import type { AuditQuery } from '../../../api/office-api';
import { officeZhCN } from '../i18n/zh-CN';
import { useActionName } from '../review/TrailPanel';
import { saveBlob } from '../shared/download';
import { errorMessage } from '../shared/errors';
import { formatDateTime } from '../shared/format';
import { useOffice } from '../shared/office-context';

/** The logged actions, in the catalogue's order (zh-CN is the reference catalogue). */
const AUDIT_ACTION_KEYS = Object.keys(officeZhCN.audit.actions);

export function AuditPage() {
  const { t } = useTranslation('office');
  const { api, user } = useOffice();
  const actionName = useActionName();
  const [filter, setFilter] = useState<AuditQuery>({});
  const [entries, setEntries] = useState<AuditEntryView[]>();
  const [next, setNext] = useState<number>();
  const [error, setError] = useState<string>();
  const [chain, setChain] = useState<ChainReport>();
  const [loading, setLoading] = useState(false);
  const inFlight = useRef(false);

  // One request at a time (a double tap on 更早的记录 asked for the same page twice), and the
  // older page appended to the entries as they are when it arrives, not as they were when asked.
  const load = async (before?: number) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.audit({ ...filter, before });
      setEntries((shown) => (before === undefined ? page.entries : [...(shown ?? []), ...page.entries]));
      setNext(page.next);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      inFlight.current = false;
      setLoading(false);
    }
  };
  const run = (work: () => Promise<void>) => () => {
    void work().catch((failure: unknown) => setError(errorMessage(failure)));
  };
  const field = (key: 'roundId' | 'siteId' | 'inspectionId') => (
    <label>
      {t(`audit.${key}`)}{' '}
      <input
        className="input"
        value={filter[key] ?? ''}
        onChange={(event) => setFilter({ ...filter, [key]: event.target.value.trim() || undefined })}
      />
    </label>
  );

  return (
    <section className="office-page" data-testid="audit-page">
      <h1>{t('audit.title')}</h1>
      <p className="muted">{t('audit.hint')}</p>
      <form
        className="toolbar toolbar--wrap"
        onSubmit={(event) => {
          event.preventDefault();
          void load();
        }}
      >
        {field('roundId')}
        {field('siteId')}
        {field('inspectionId')}
        <label>
          {t('audit.action')}{' '}
          <select
            value={filter.action ?? ''}
            onChange={(event) => setFilter({ ...filter, action: event.target.value || undefined })}
          >
            <option value="">{t('common.all')}</option>
            {AUDIT_ACTION_KEYS.map((action) => (
              <option key={action} value={action}>
                {actionName(action)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button--primary" disabled={loading}>
          {t('audit.search')}
        </button>
        <button
          type="button"
          className="button"
          onClick={run(async () => saveBlob(await api.auditCsv(filter), 'audit.csv'))}
        >
          {t('audit.csv')}
        </button>
        {user.role === 'admin' && (
          <button type="button" className="button" onClick={run(async () => setChain(await api.verifyAudit()))}>
            {t('audit.verify')}
          </button>
        )}
      </form>
      {chain && (
        <p className={chain.whole ? 'notice' : 'notice notice--error'} role="status" data-testid="audit-verdict">
          {chain.whole
            ? t('audit.whole', { count: chain.entries })
            : t('audit.broken', {
                seq: chain.brokenAt!.seq,
                count: chain.entries,
                problem: t(`audit.problems.${chain.brokenAt!.problem}`),
              })}
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {entries && entries.length === 0 && <p className="muted">{t('audit.empty')}</p>}
      {entries && entries.length > 0 && (
        <table className="table" data-testid="audit-entries">
          <thead>
            <tr>
              <th>{t('audit.seq')}</th>
              <th>{t('audit.at')}</th>
              <th>{t('audit.actor')}</th>
              <th>{t('audit.action')}</th>
              <th>{t('audit.subject')}</th>
              <th>{t('audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.seq}>
                <td>{entry.seq}</td>
                <td>{formatDateTime(entry.at)}</td>
                <td>{entry.actorName ?? '—'}</td>
                <td>{actionName(entry.action)}</td>
                <td>{[entry.roundId, entry.siteId, entry.inspectionId, entry.subject].filter(Boolean).join(' · ')}</td>
                <td>
                  <code>{JSON.stringify(entry.detail)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== undefined && (
        <button type="button" className="button" disabled={loading} onClick={() => void load(next)}>
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}
