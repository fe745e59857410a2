/**
 * The responsible unit's phone page (issue #17), a lazy chunk of its own: a station head opens
 * it from the notice's QR code (`/unit/<token>`, no account), a signed-in `unit` account lands on
 * it with every site it answers for (sites → items). Same screens: the dispatched items with
 * their before-photos, due date and escalation, and per item 整改反馈, 延期, 回退 and 申诉 — kept
 * on the phone and sent by the unit's own outbox (db/unit-work.ts, unit-sender.ts).
 *
 * The link's token is a credential: it stays in the address it came in and in memory for the
 * calls; IndexedDB keys its copy by the token's SHA-256, and no text shown or logged holds it.
 */
import { useEffect, useMemo, useState } from 'react';
import { cityDateTime } from '../../../../domain/dates';
import type { User } from '../../../../domain/wire';
import { createUnitWorkApi } from '../../../api/unit-work-api';
import { useUnitEntries } from '../../../db/unit-live';
import { linkScope, userScope } from '../../../db/unit-work';
import { useTranslation } from '../../../i18n';
import { sha256Hex } from '../../../platform/sha256';
import { useServices } from '../../../services';
import { registerUnitMessages } from './i18n';
import { UnitItemList } from './UnitItemList';
import { UnitItemPage } from './UnitItemPage';
import { useUnitItems } from './use-unit-items';
import { useUnitSender } from './use-unit-sender';
import './unit.css';

registerUnitMessages();

/** The scope of the page's copy and outbox: the link's token hashed, or the account. */
function useScope(token: string | undefined, user: User | undefined): string | undefined {
  const [linkHash, setLinkHash] = useState<string>();
  useEffect(() => {
    if (!token) return;
    let live = true;
    void sha256Hex(new TextEncoder().encode(token)).then((hash) => {
      if (live) setLinkHash(hash);
    });
    return () => {
      live = false;
    };
  }, [token]);
  if (token) return linkHash ? linkScope(linkHash) : undefined;
  return user ? userScope(user.id) : undefined;
}

export default function UnitScreens({ token, user }: { token?: string; user?: User }) {
  const { t } = useTranslation('unit');
  const services = useServices();
  const api = useMemo(() => createUnitWorkApi(services.api, token), [services.api, token]);
  const scope = useScope(token, user);
  const work = useUnitItems(api, scope, token !== undefined);
  const entries = useUnitEntries(services.db, scope) ?? [];
  const { sendNow } = useUnitSender(api, scope, work.refresh);
  const [siteId, setSiteId] = useState<string>();
  // The photo pipeline's code loads now, while the link that brought the head here is up.
  useEffect(() => services.photos.prepare?.(), [services]);
  const [itemId, setItemId] = useState<string>();

  if (work.load.status === 'closed' || work.load.status === 'limited') {
    const which = work.load.status === 'closed' ? 'closed' : 'limited';
    return (
      <main className="app-main unit" data-testid="unit-link-closed">
        <h1>{t(`link.${which}Title`)}</h1>
        <p>{t(`link.${which}Body`)}</p>
      </main>
    );
  }

  const items = work.items ?? [];
  const item = items.find((candidate) => candidate.id === itemId);
  return (
    <main className="app-main unit" data-testid="unit-page">
      <LoadNotice load={work.load} fetchedAt={work.fetchedAt} hasCopy={work.items !== undefined} />
      {item && scope ? (
        <UnitItemPage
          item={item}
          scope={scope}
          unitName={user?.displayName}
          entries={entries.filter((entry) => entry.rectificationId === item.id)}
          onQueued={sendNow}
          onBack={() => setItemId(undefined)}
        />
      ) : (
        <UnitItemList
          items={items}
          entries={entries}
          siteId={siteId}
          onSite={setSiteId}
          onItem={setItemId}
          onSendNow={sendNow}
          loaded={work.copyRead && work.load.status !== 'loading'}
        />
      )}
    </main>
  );
}

function LoadNotice({
  load,
  fetchedAt,
  hasCopy,
}: {
  load: ReturnType<typeof useUnitItems>['load'];
  fetchedAt: string | undefined;
  hasCopy: boolean;
}) {
  const { t } = useTranslation('unit');
  if (load.status === 'loading' && !hasCopy) return <p role="status">{t('loading')}</p>;
  if (load.status === 'offline')
    return (
      <p className="notice" role="status" data-testid="unit-offline">
        {hasCopy && fetchedAt ? t('offline', { at: cityDateTime(fetchedAt) }) : t('offlineNothing')}
      </p>
    );
  if (load.status === 'failed')
    return (
      <p className="notice notice--error" role="alert">
        {t('loadFailed', { message: load.message })}
      </p>
    );
  return null;
}
