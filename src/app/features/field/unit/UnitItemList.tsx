/**
 * The unit's items: with several sites (a district's liaison) first the sites with their counts,
 * then one site's items; a site link has one site and goes straight to its items. Each item
 * shows its state, due date and escalation level in words (not colour alone), and how many of
 * its answers still wait on the phone.
 */
import { cityDate } from '../../../../domain/dates';
import { escalationLevel } from '../../../../domain/escalation';
import type { UnitItem } from '../../../api/unit-work-api';
import type { LocalUnitEntry } from '../../../db/unit-work';
import { useTranslation } from '../../../i18n';
import { useServices } from '../../../services';

export interface UnitItemListProps {
  items: readonly UnitItem[];
  entries: readonly LocalUnitEntry[];
  siteId: string | undefined;
  loaded: boolean;
  onSite: (siteId: string | undefined) => void;
  onItem: (itemId: string) => void;
  onSendNow: () => void;
}

/** The level today (Shanghai): a copy kept offline for days still shows it as it is now. */
export function currentEscalation(item: UnitItem, now: Date) {
  return escalationLevel(item, cityDate(now));
}

export function EscalationBadge({ item }: { item: UnitItem }) {
  const { t } = useTranslation('unit');
  const services = useServices();
  const level = currentEscalation(item, services.now());
  if (!level) return null;
  return (
    <span className={`badge unit-escalation unit-escalation--${level}`} data-testid="unit-escalation">
      {t(`escalation.${level}`)}
    </span>
  );
}

export function UnitItemList(props: UnitItemListProps) {
  const { t } = useTranslation('unit');
  const sites = [...new Map(props.items.map((item) => [item.siteId, item])).values()];
  const waiting = props.entries.filter((entry) => entry.state === 'waiting').length;
  const chosen = sites.length === 1 ? sites[0]!.siteId : props.siteId;
  const shown = props.items.filter((item) => item.siteId === chosen);
  return (
    <section aria-labelledby="unit-title">
      <h1 id="unit-title">{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {waiting > 0 && (
        <p className="notice" role="status">
          {t('send.waiting')}：{waiting}{' '}
          <button type="button" className="button button--small" onClick={props.onSendNow}>
            {t('send.sendNow')}
          </button>
        </p>
      )}
      {props.loaded && props.items.length === 0 && <p>{t('none')}</p>}
      {chosen === undefined ? (
        <ul className="unit-list" aria-label={t('sites')}>
          {sites.map((site) => (
            <li key={site.siteId}>
              <button type="button" className="unit-list__row" onClick={() => props.onSite(site.siteId)}>
                <strong>{site.siteName}</strong> <span className="muted">{site.district}</span>{' '}
                <span>{t('siteCount', { count: props.items.filter((i) => i.siteId === site.siteId).length })}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <>
          {sites.length > 1 && (
            <button type="button" className="button button--small" onClick={() => props.onSite(undefined)}>
              {t('backToSites')}
            </button>
          )}
          <h2>{shown[0]?.siteName}</h2>
          <ul className="unit-list" data-testid="unit-items">
            {shown.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  className="unit-list__row"
                  data-testid="unit-item"
                  onClick={() => props.onItem(item.id)}
                >
                  <strong>{item.itemId}</strong> <span className="badge">{t(`state.${item.state}`)}</span>{' '}
                  <EscalationBadge item={item} />
                  <br />
                  <span className="muted">{t('item.due', { date: item.dueOn })}</span>
                  {item.note && <span className="unit-list__note">{item.note}</span>}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
