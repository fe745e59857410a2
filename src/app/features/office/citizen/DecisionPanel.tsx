/**
 * The office's decisions on one open report. Each is one call; the server checks the status it
 * starts from (a report decided meanwhile by a colleague answers 409, shown as it comes).
 * 交办 needs no form: the server hands the report to every unit answering for its site (a 400
 * names the missing unit, shown as it comes).
 */
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from '../../../i18n';
import type { CitizenDecision, CitizenReportView } from '../../../../domain/citizen-reports';
import { createCitizenApi } from '../../../api/citizen-api';
import { useServices } from '../../../services';
import { useOffice } from '../shared/office-context';
import { useLoad } from '../shared/use-load';

type Mode = 'merge' | 'reject' | 'spot_check' | 'close';

export function DecisionPanel({
  report,
  others,
  onDone,
}: {
  report: CitizenReportView;
  others: CitizenReportView[];
  onDone: () => void;
}) {
  const { t } = useTranslation('office');
  const services = useServices();
  const api = useMemo(() => createCitizenApi(services.api), [services.api]);
  const [mode, setMode] = useState<Mode>();
  const [failed, setFailed] = useState<string>();
  const [busy, setBusy] = useState(false);

  const decide = async (decision: CitizenDecision) => {
    setBusy(true);
    setFailed(undefined);
    try {
      await api.decide(report.id, decision);
      setMode(undefined);
      onDone();
    } catch (error) {
      setFailed(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const modes: Mode[] = ['merge', 'reject', 'spot_check', 'close'];
  const label = (m: Mode) => t(`citizen.action.${m === 'spot_check' ? 'spotCheck' : m}`);
  return (
    <div className="citizen-actions">
      <div className="toolbar toolbar--wrap">
        {report.status === 'new' && (
          <button
            type="button"
            className="button button--small"
            disabled={busy}
            onClick={() => void decide({ action: 'accept' })}
          >
            {t('citizen.action.accept')}
          </button>
        )}
        {!report.handover && (
          <button
            type="button"
            className="button button--small"
            disabled={busy}
            onClick={() => void decide({ action: 'hand_over' })}
          >
            {t('citizen.action.handOver')}
          </button>
        )}
        {modes
          .filter((m) => m !== 'reject' || report.status === 'new')
          .map((m) => (
            <button
              key={m}
              type="button"
              className="button button--small"
              aria-pressed={mode === m}
              onClick={() => setMode(m)}
            >
              {label(m)}
            </button>
          ))}
      </div>
      {mode === 'merge' && <MergeForm others={others} busy={busy} onDecide={decide} />}
      {(mode === 'reject' || mode === 'close') && <TextForm mode={mode} busy={busy} onDecide={decide} />}
      {mode === 'spot_check' && <SpotCheckForm busy={busy} onDecide={decide} />}
      {failed && (
        <p className="notice notice--error" role="alert">
          {t('citizen.action.failed', { message: failed })}
        </p>
      )}
    </div>
  );
}

interface FormProps {
  busy: boolean;
  onDecide: (decision: CitizenDecision) => Promise<void>;
}

function MergeForm({ others, busy, onDecide }: FormProps & { others: CitizenReportView[] }) {
  const { t } = useTranslation('office');
  const [into, setInto] = useState(others[0]?.id ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (into) void onDecide({ action: 'merge', into });
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label>
        {t('citizen.action.mergeInto')}{' '}
        <select value={into} onChange={(event) => setInto(event.target.value)} data-testid="citizen-merge-into">
          {others.map((other) => (
            <option key={other.id} value={other.id}>
              {other.code} · {t(`citizen.category.${other.category}`)} · {other.description.slice(0, 20)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button button--small button--primary" disabled={busy || !into}>
        {t('citizen.action.confirm')}
      </button>
    </form>
  );
}

function TextForm({ mode, busy, onDecide }: FormProps & { mode: 'reject' | 'close' }) {
  const { t } = useTranslation('office');
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const words = text.trim();
    if (!words) return;
    void onDecide(mode === 'reject' ? { action: 'reject', reason: words } : { action: 'close', reply: words });
  };
  return (
    <form className="office-form" onSubmit={submit}>
      <label className="field">
        <span>{mode === 'reject' ? t('citizen.action.reason') : t('citizen.action.replyLabel')}</span>
        <textarea value={text} maxLength={500} rows={3} onChange={(event) => setText(event.target.value)} />
      </label>
      <button type="submit" className="button button--small button--primary" disabled={busy || !text.trim()}>
        {t('citizen.action.confirm')}
      </button>
    </form>
  );
}

function SpotCheckForm({ busy, onDecide }: FormProps) {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const rounds = useLoad('office:rounds', (signal) => api.rounds(signal));
  const users = useLoad('office:users', (signal) => api.users(signal));
  const inspectors = (users.data ?? []).filter((user) => user.role === 'inspector' && !user.disabled);
  const [roundId, setRoundId] = useState<string>();
  const [inspectorId, setInspectorId] = useState<string>();
  const round = roundId ?? rounds.data?.[0]?.id ?? '';
  const inspector = inspectorId ?? inspectors[0]?.id ?? '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (round && inspector) void onDecide({ action: 'spot_check', roundId: round, inspectorId: inspector });
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label>
        {t('citizen.action.round')}{' '}
        <select value={round} onChange={(event) => setRoundId(event.target.value)} data-testid="citizen-spot-round">
          {rounds.data?.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('citizen.action.inspector')}{' '}
        <select
          value={inspector}
          onChange={(event) => setInspectorId(event.target.value)}
          data-testid="citizen-spot-inspector"
        >
          {inspectors.map((user) => (
            <option key={user.id} value={user.id}>
              {user.displayName}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button button--small button--primary" disabled={busy || !round || !inspector}>
        {t('citizen.action.confirm')}
      </button>
    </form>
  );
}
