/** Every site: search, add or edit one, import many from a file. */
import { useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import type { Site } from '../../../../domain/wire';
import { SiteSearch } from '../../../ui/SiteSearch';
import { districtsOf } from '../rounds/assignments';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { useLoad } from '../shared/use-load';
import { VirtualTable, type Column } from '../shared/VirtualTable';
import { ImportSites } from './ImportSites';
import { SiteForm } from './SiteForm';

export function SitesAdminPage() {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const sites = useLoad('sites', (signal) => api.sites(signal));
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<Site | 'new'>();
  const [saved, setSaved] = useState<string>();

  const list = sites.data;
  const existing = useMemo(() => new Map((list ?? []).map((site) => [site.id, site])), [list]);
  const districts = useMemo(() => districtsOf(list ?? []), [list]);
  const shown = useMemo(() => {
    const needle = query.trim().toLowerCase();
    if (!needle) return list ?? [];
    return (list ?? []).filter((site) =>
      [site.id, site.name, site.district].some((text) => text.toLowerCase().includes(needle)),
    );
  }, [list, query]);

  const columns: Column<Site>[] = [
    { key: 'id', header: t('sites.id'), width: 'minmax(7rem, 1fr)', render: (site) => <code>{site.id}</code> },
    { key: 'name', header: t('sites.name'), width: 'minmax(14rem, 3fr)', render: (site) => site.name },
    { key: 'type', header: t('sites.type'), width: '4rem', render: (site) => t(`siteType.${site.type}`) },
    { key: 'district', header: t('sites.district'), width: '6rem', render: (site) => site.district },
    { key: 'parentId', header: t('sites.parentId'), width: 'minmax(6rem, 1fr)', render: (site) => site.parentId ?? '' },
    { key: 'address', header: t('sites.address'), width: 'minmax(8rem, 2fr)', render: (site) => site.address ?? '' },
    {
      key: 'location',
      header: t('sites.location'),
      width: '11rem',
      render: (site) =>
        site.lat != null && site.lng != null ? (
          <>
            {`${site.lat}, ${site.lng}`}
            {site.positionSource === 'phone' && (
              <>
                {' '}
                <span className="badge" title={t('sites.fromPhoneHint')} data-testid="position-from-phone">
                  {t('sites.fromPhone')}
                </span>
              </>
            )}
          </>
        ) : (
          ''
        ),
    },
    {
      key: 'edit',
      header: <span className="visually-hidden">{t('common.edit')}</span>,
      width: '5rem',
      render: (site) => (
        <button
          type="button"
          className="button button--small"
          aria-label={t('sites.editOne', { name: site.name })}
          onClick={() => {
            setSaved(undefined);
            setEditing(site);
          }}
        >
          {t('common.edit')}
        </button>
      ),
    },
  ];

  return (
    <section className="office-page">
      <h1>{t('sites.title')}</h1>
      {saved && (
        <p className="notice notice--ok" role="status">
          {saved}
        </p>
      )}
      {editing && (
        <SiteForm
          key={editing === 'new' ? 'new' : editing.id}
          site={editing === 'new' ? undefined : editing}
          districts={districts}
          onCancel={() => setEditing(undefined)}
          onSave={async (site) => {
            await api.putSites([site]);
            setEditing(undefined);
            setSaved(t('sites.saved', { id: site.id }));
            sites.reload();
          }}
        />
      )}
      <ImportSites
        existing={existing}
        onImport={async (chunk) => {
          await api.putSites(chunk);
          sites.reload();
        }}
      />
      <section className="office-card">
        <div className="toolbar">
          <SiteSearch label={t('sites.search')} value={query} onChange={setQuery} grow />
          <button
            type="button"
            className="button"
            onClick={() => {
              setSaved(undefined);
              setEditing('new');
            }}
          >
            {t('sites.add')}
          </button>
        </div>
        {!list ? (
          <LoadState error={sites.error} onRetry={sites.reload} />
        ) : (
          <>
            <p className="muted" role="status">
              {t('sites.count', { count: shown.length, total: list.length })}
            </p>
            <VirtualTable
              label={t('sites.title')}
              columns={columns}
              rows={shown}
              rowKey={(site) => site.id}
              empty={t('sites.empty')}
              testId="sites-table"
            />
          </>
        )}
      </section>
    </section>
  );
}
