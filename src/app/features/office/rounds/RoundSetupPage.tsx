/**
 * A round's set-up: edit its settings, and assign sites in bulk — choose districts and types,
 * pick an inspector (or rechecker), see how many sites that covers, assign or remove — with the
 * coverage per district and per person to check the result.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { SITE_TYPES, type SiteType } from '../../../../domain/rubric';
import { errorMessage } from '../shared/errors';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { useLoad } from '../shared/use-load';
import {
  assignmentPairs,
  chunks,
  coverageByDistrict,
  districtsOf,
  existingPairs,
  matchSites,
  sitesPerUser,
} from './assignments';
import { useRound } from './round-context';
import { RoundForm } from './RoundForm';
import { UnitSettingsForm } from './UnitSettingsForm';
import { Field } from '../../../ui/Field';

export function RoundSetupPage() {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const { round, feed, reloadRound } = useRound();
  return (
    <div className="round-setup">
      <section className="office-card">
        <h2>{t('round.settings')}</h2>
        <RoundForm
          key={JSON.stringify(round)}
          round={round}
          locked={feed.inspections.length > 0}
          onUpdate={async (patch) => {
            await api.updateRound(round.id, patch);
            reloadRound();
          }}
        />
      </section>
      <section className="office-card">
        <h2>{t('unitSettings.title')}</h2>
        <UnitSettingsForm
          key={JSON.stringify(round)}
          round={round}
          onSave={async (settings) => {
            await api.unitSettings(round.id, settings);
            reloadRound();
          }}
        />
      </section>
      <AssignmentsPanel />
    </div>
  );
}

function AssignmentsPanel() {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const { round, users, userName, reloadScope } = useRound();
  const sites = useLoad('sites', (signal) => api.sites(signal));
  const assignments = useLoad(`assignments:${round.id}`, (signal) => api.assignments(round.id, signal));
  const [districts, setDistricts] = useState<ReadonlySet<string>>(new Set());
  const [types, setTypes] = useState<ReadonlySet<SiteType>>(new Set(SITE_TYPES));
  const [userId, setUserId] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();

  const fieldUsers = users.filter((user) => !user.disabled && (user.role === 'inspector' || user.role === 'rechecker'));
  const allDistricts = useMemo(() => districtsOf(sites.data ?? []), [sites.data]);
  const chosen = useMemo(() => matchSites(sites.data ?? [], { districts, types }), [sites.data, districts, types]);
  const coverage = useMemo(
    () => coverageByDistrict(sites.data ?? [], assignments.data ?? []),
    [sites.data, assignments.data],
  );
  const perUser = useMemo(() => sitesPerUser(assignments.data ?? []), [assignments.data]);

  if (!sites.data || !assignments.data) {
    return (
      <section className="office-card">
        <h2>{t('assign.title')}</h2>
        <LoadState
          error={sites.error ?? assignments.error}
          onRetry={() => {
            sites.reload();
            assignments.reload();
          }}
        />
      </section>
    );
  }

  const toggle = <T,>(set: ReadonlySet<T>, value: T) => {
    const next = new Set(set);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    return next;
  };
  const run = async (remove: boolean) => {
    if (!userId) return;
    setBusy(true);
    setMessage(undefined);
    try {
      const pairs = assignmentPairs(chosen, userId);
      let count = 0;
      if (remove) {
        for (const chunk of chunks(existingPairs(pairs, assignments.data ?? [])))
          count += (await api.unassign(round.id, chunk)).removed;
        setMessage({ ok: true, text: t('assign.removed', { count }) });
      } else {
        for (const chunk of chunks(pairs)) count += (await api.assign(round.id, chunk)).assigned;
        setMessage({ ok: true, text: t('assign.assigned', { count, name: userName(userId) }) });
      }
      assignments.reload();
      reloadScope();
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="office-card" aria-labelledby="assign-title">
      <h2 id="assign-title">{t('assign.title')}</h2>
      {sites.data.length === 0 && <p className="notice">{t('assign.noSites')}</p>}
      {fieldUsers.length === 0 && <p className="notice">{t('assign.noUsers')}</p>}
      <div className="assign-form">
        <fieldset className="choice-group">
          <legend>{t('assign.districts')}</legend>
          <button
            type="button"
            className="button button--small"
            onClick={() => setDistricts(districts.size === allDistricts.length ? new Set() : new Set(allDistricts))}
          >
            {districts.size === allDistricts.length ? t('assign.selectNone') : t('assign.selectAll')}
          </button>
          {allDistricts.map((district) => (
            <label key={district} className="choice">
              <input
                type="checkbox"
                checked={districts.has(district)}
                onChange={() => setDistricts(toggle(districts, district))}
              />
              {district}
            </label>
          ))}
        </fieldset>
        <fieldset className="choice-group">
          <legend>{t('assign.types')}</legend>
          {SITE_TYPES.map((type) => (
            <label key={type} className="choice">
              <input type="checkbox" checked={types.has(type)} onChange={() => setTypes(toggle(types, type))} />
              {t(`siteType.${type}`)}
            </label>
          ))}
        </fieldset>
        <Field label={t('assign.user')}>
          <select className="field__input" value={userId} onChange={(event) => setUserId(event.target.value)}>
            <option value="">{t('assign.choose')}</option>
            {fieldUsers.map((user) => (
              <option key={user.id} value={user.id}>
                {t('assign.userOption', {
                  name: user.displayName,
                  username: user.username,
                  role: t(`role.${user.role}`),
                })}
              </option>
            ))}
          </select>
        </Field>
        <p role="status" className="assign-form__count">
          {t('assign.matching', { count: chosen.length })}
        </p>
        <div className="toolbar">
          <button
            type="button"
            className="button button--primary"
            disabled={busy || !userId || chosen.length === 0}
            onClick={() => void run(false)}
          >
            {t('assign.assign')}
          </button>
          <button
            type="button"
            className="button"
            disabled={busy || !userId || chosen.length === 0}
            onClick={() => void run(true)}
          >
            {t('assign.unassign')}
          </button>
        </div>
        {message && (
          <p
            className={message.ok ? 'notice notice--ok' : 'notice notice--error'}
            role={message.ok ? 'status' : 'alert'}
          >
            {message.text}
          </p>
        )}
      </div>

      <h3>{t('assign.byDistrict')}</h3>
      <table className="data-table" data-testid="coverage">
        <thead>
          <tr>
            <th scope="col">{t('assign.district')}</th>
            <th scope="col" className="num">
              {t('assign.sites')}
            </th>
            <th scope="col" className="num">
              {t('assign.assignedSites')}
            </th>
            <th scope="col" className="num">
              {t('assign.unassigned')}
            </th>
          </tr>
        </thead>
        <tbody>
          {coverage.map((row) => (
            <tr key={row.district}>
              <th scope="row">{row.district}</th>
              <td className="num">{row.sites}</td>
              <td className="num">{row.assigned}</td>
              <td className="num">{row.sites - row.assigned}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('assign.byUser')}</h3>
      <table className="data-table" data-testid="per-user">
        <thead>
          <tr>
            <th scope="col">{t('assign.person')}</th>
            <th scope="col">{t('assign.role')}</th>
            <th scope="col" className="num">
              {t('assign.userSites')}
            </th>
          </tr>
        </thead>
        <tbody>
          {fieldUsers.map((user) => (
            <tr key={user.id}>
              <th scope="row">{user.displayName}</th>
              <td>{t(`role.${user.role}`)}</td>
              <td className="num">{perUser.get(user.id) ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
