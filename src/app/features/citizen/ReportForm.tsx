/**
 * A report on one site: category, description, up to three photos (the app's photo pipeline,
 * capture time only), an optional phone number. 提交 freezes it on the phone
 * (db/citizen-reports.ts); the sender takes it from there, so a weak link never loses it.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n';
import { Link, useLocation } from 'wouter';
import {
  CITIZEN_CATEGORIES,
  CITIZEN_DESCRIPTION_MAX,
  CITIZEN_PHOTOS_MAX,
  isPlainText,
  PHONE,
  type CitizenCategory,
} from '../../../domain/citizen-reports';
import { ApiRequestError } from '../../api/api-client';
import { createCitizenApi, type PublicSite } from '../../api/citizen-api';
import { queueCitizenReport, type LocalCitizenPhoto } from '../../db/citizen-reports';
import { localErrorText } from '../../i18n/local-errors';
import { useServices } from '../../services';

type SiteState = { site: PublicSite } | { missing: true } | { offline: true } | undefined;

function useSite(siteId: string): SiteState {
  const services = useServices();
  const api = useMemo(() => createCitizenApi(services.api), [services.api]);
  const [state, setState] = useState<SiteState>();
  useEffect(() => {
    const controller = new AbortController();
    api.site(siteId, { signal: controller.signal }).then(
      (site) => setState({ site }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // Offline or a weak link: the report is still taken, named by the poster's site code.
        setState(error instanceof ApiRequestError && error.status === 404 ? { missing: true } : { offline: true });
      },
    );
    return () => controller.abort();
  }, [api, siteId]);
  return state;
}

interface TakenPhoto extends LocalCitizenPhoto {
  url: string;
  capturedAt: string;
}

export function ReportForm({ siteId, onQueued }: { siteId: string; onQueued: () => void }) {
  const { t } = useTranslation('citizen');
  const { t: tMain } = useTranslation();
  const services = useServices();
  const [, navigate] = useLocation();
  const site = useSite(siteId);
  const [category, setCategory] = useState<CitizenCategory>();
  const [description, setDescription] = useState('');
  const [phone, setPhone] = useState('');
  const [photos, setPhotos] = useState<TakenPhoto[]>([]);
  const [processing, setProcessing] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);

  // Object URLs of the previews, given back when the page goes.
  const urls = useRef<string[]>([]);
  useEffect(() => () => urls.current.forEach((url) => URL.revokeObjectURL(url)), []);

  if (site && 'missing' in site) {
    return (
      <p className="notice notice--error" role="alert">
        {t('site.missing')} <Link href="/report">{t('site.change')}</Link>
      </p>
    );
  }

  const addPhotos = async (files: FileList | null) => {
    const room = CITIZEN_PHOTOS_MAX - photos.length;
    const picked = Array.from(files ?? []).slice(0, room);
    setProcessing(true);
    setProblem(undefined);
    try {
      for (const file of picked) {
        const capturedAt = services.now().toISOString();
        const stamp = { kind: 'citizen' as const, takenAt: capturedAt, siteName: '', itemLabel: '', inspectorName: '' };
        const done = await services.photos.process(file, stamp);
        const taken: TakenPhoto = {
          sha256: done.sha256,
          blob: done.blob,
          thumbnailSha256: done.thumbnailSha256,
          thumbnail: done.thumbnail,
          capturedAt,
          url: URL.createObjectURL(done.thumbnail),
        };
        urls.current.push(taken.url);
        setPhotos((current) => (current.some((p) => p.sha256 === taken.sha256) ? current : [...current, taken]));
      }
    } catch (error) {
      setProblem(localErrorText(tMain, error));
    } finally {
      setProcessing(false);
    }
  };

  const check = (): string | undefined => {
    if (!category) return t('problem.category');
    const text = description.trim();
    if (!text || text.length > CITIZEN_DESCRIPTION_MAX)
      return t('problem.description', { max: CITIZEN_DESCRIPTION_MAX });
    if (!isPlainText(text)) return t('problem.plainText');
    if (phone.trim() && !PHONE.test(phone.trim())) return t('problem.phone');
    return undefined;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const wrong = check();
    setProblem(wrong);
    if (wrong || !category) return;
    setSaving(true);
    try {
      await queueCitizenReport(
        services.db,
        {
          report: {
            id: crypto.randomUUID(),
            siteId,
            category,
            description: description.trim(),
            ...(phone.trim() && { phone: phone.trim() }),
            photos: photos.map((p) => ({ sha256: p.sha256, thumbnail: p.thumbnailSha256, capturedAt: p.capturedAt })),
            createdAt: services.now().toISOString(),
          },
          siteName: site && 'site' in site ? site.site.name : siteId,
          photos: photos.map(({ sha256, blob, thumbnailSha256, thumbnail }) => ({
            sha256,
            blob,
            thumbnailSha256,
            thumbnail,
          })),
        },
        services.now(),
      );
      onQueued();
      navigate('/report/mine?saved=1');
    } catch (error) {
      setProblem(t('problem.save', { message: localErrorText(tMain, error) }));
      setSaving(false);
    }
  };

  return (
    <form className="citizen-form" onSubmit={(event) => void submit(event)} noValidate>
      <h1>{t('title')}</h1>
      <p className="citizen-site">
        <span className="muted">{t('site.chosen')}</span>{' '}
        <strong data-testid="citizen-site">
          {site && 'site' in site
            ? t('site.named', { name: site.site.name, district: site.site.district })
            : t('site.unknown', { id: siteId })}
        </strong>{' '}
        <Link href="/report">{t('site.change')}</Link>
      </p>
      <fieldset className="choice-group">
        <legend>{t('category.label')}</legend>
        {CITIZEN_CATEGORIES.map((value) => (
          <label key={value} className="choice">
            <input
              type="radio"
              name="category"
              value={value}
              checked={category === value}
              onChange={() => setCategory(value)}
            />
            {t(`category.${value}`)}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{t('description.label')}</span>
        <textarea
          value={description}
          rows={4}
          maxLength={CITIZEN_DESCRIPTION_MAX}
          placeholder={t('description.placeholder')}
          onChange={(event) => setDescription(event.target.value)}
        />
        <span className="muted">
          {t('description.count', { count: description.length, max: CITIZEN_DESCRIPTION_MAX })}
        </span>
      </label>
      <div className="field">
        <span>{t('photos.label', { max: CITIZEN_PHOTOS_MAX })}</span>
        <div className="thumb-row">
          {photos.map((photo) => (
            <button
              key={photo.sha256}
              type="button"
              className="photo-thumb"
              aria-label={t('photos.remove')}
              onClick={() => setPhotos((current) => current.filter((p) => p.sha256 !== photo.sha256))}
            >
              <img src={photo.url} alt="" />
            </button>
          ))}
        </div>
        {photos.length < CITIZEN_PHOTOS_MAX ? (
          <label className="button">
            {processing ? t('photos.processing') : t('photos.add')}
            <input
              className="visually-hidden"
              type="file"
              accept="image/*"
              capture="environment"
              multiple
              disabled={processing}
              data-testid="citizen-photo-input"
              onChange={(event) => {
                void addPhotos(event.target.files);
                event.target.value = '';
              }}
            />
          </label>
        ) : (
          <span className="muted">{t('photos.full', { max: CITIZEN_PHOTOS_MAX })}</span>
        )}
      </div>
      <label className="field">
        <span>{t('phone.label')}</span>
        <input
          type="tel"
          inputMode="tel"
          value={phone}
          maxLength={13}
          placeholder={t('phone.placeholder')}
          onChange={(event) => setPhone(event.target.value)}
        />
      </label>
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" className="button button--primary button--block" disabled={saving || processing}>
        {saving ? t('submitting') : t('submit')}
      </button>
    </form>
  );
}
