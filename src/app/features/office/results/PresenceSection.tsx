/**
 * 到场核验 on an inspection's detail: each flag with what was found, or that nothing was, or that
 * the inspection came before the checks; and the time on site. Flags warn; the score stands.
 */
import { useTranslation } from '../../../i18n';
import type { PresenceFlag } from '../../../../domain/presence';
import { flagDetail, flagName } from './presence-text';

export function PresenceSection({
  flags,
  timeOnSiteS,
}: {
  flags: readonly PresenceFlag[] | null | undefined;
  timeOnSiteS: number | null | undefined;
}) {
  const { t } = useTranslation('office');
  return (
    <section data-testid="presence">
      <h3>{t('presence.section')}</h3>
      {flags == null ? (
        <p className="muted">{t('presence.uncheckedText')}</p>
      ) : flags.length === 0 ? (
        <p>
          <span className="badge badge--ok">{t('presence.clean')}</span> {t('presence.cleanText')}
        </p>
      ) : (
        <ul className="presence-flags">
          {flags.map((flag) => (
            <li key={flag.code}>
              <span className="badge badge--bad">{flagName(t, flag)}</span> {flagDetail(t, flag)}
            </li>
          ))}
        </ul>
      )}
      {timeOnSiteS != null && (
        <p className="muted">{t('presence.timeOnSite', { minutes: Math.round(timeOnSiteS / 60) })}</p>
      )}
    </section>
  );
}

/** The results column: the flags' short names, or "none" / "not checked". */
export function PresenceCell({ flags }: { flags: readonly PresenceFlag[] | null | undefined }) {
  const { t } = useTranslation('office');
  if (flags == null) return <span className="muted">{t('presence.unchecked')}</span>;
  if (flags.length === 0) return <span className="muted">{t('presence.none')}</span>;
  const names = flags.map((flag) => flagName(t, flag));
  return (
    <span className="vtable__wrap" title={names.join('；')} data-testid="presence-cell">
      {names.map((name) => (
        <span key={name} className="badge badge--bad">
          {name}
        </span>
      ))}
    </span>
  );
}
