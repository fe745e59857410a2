/**
 * One site, added or edited by hand: checked with the domain's `siteSchema` and saved with
 * `PUT /api/sites` holding that one site (an omitted optional field becomes empty).
 */
import { useState } from 'react';
import { useForm, type FieldErrors, type Resolver } from 'react-hook-form';
import { useTranslation } from '../../../i18n';
import { SITE_TYPES } from '../../../../domain/rubric';
import { siteSchema, type Site } from '../../../../domain/wire';
import { errorMessage } from '../shared/errors';
import { Field } from '../../../ui/Field';

interface SiteFormValues {
  id: string;
  name: string;
  type: string;
  district: string;
  parentId: string;
  address: string;
  lat: string;
  lng: string;
}

const FIELDS = ['id', 'name', 'type', 'district', 'parentId', 'address', 'lat', 'lng'] as const;

function toSite(values: SiteFormValues): unknown {
  const number = (text: string) => (text.trim() === '' ? undefined : Number(text));
  const lat = number(values.lat);
  const lng = number(values.lng);
  return {
    id: values.id.trim(),
    name: values.name,
    type: values.type,
    district: values.district,
    ...(values.parentId.trim() && { parentId: values.parentId.trim() }),
    ...(values.address.trim() && { address: values.address.trim() }),
    ...(lat !== undefined && { lat }),
    ...(lng !== undefined && { lng }),
  };
}

const resolver: Resolver<SiteFormValues> = async (values) => {
  const parsed = siteSchema.safeParse(toSite(values));
  const errors: FieldErrors<SiteFormValues> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as (typeof FIELDS)[number];
      if (FIELDS.includes(field) && !errors[field]) errors[field] = { type: issue.code, message: issue.message };
    }
  }
  const hasLat = values.lat.trim() !== '';
  if (hasLat !== (values.lng.trim() !== '') && !errors.lat && !errors.lng) {
    errors[hasLat ? 'lng' : 'lat'] = { type: 'pair', message: 'pair' };
  }
  return Object.keys(errors).length > 0 ? { values: {}, errors } : { values, errors: {} };
};

export function SiteForm({
  site,
  districts,
  onSave,
  onCancel,
}: {
  site?: Site | undefined;
  districts: readonly string[];
  onSave: (site: Site) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation('office');
  const [failure, setFailure] = useState<string>();
  const form = useForm<SiteFormValues>({
    resolver,
    defaultValues: {
      id: site?.id ?? '',
      name: site?.name ?? '',
      type: site?.type ?? 'station',
      district: site?.district ?? '',
      parentId: site?.parentId ?? '',
      address: site?.address ?? '',
      lat: site?.lat?.toString() ?? '',
      lng: site?.lng?.toString() ?? '',
    },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async (values) => {
    setFailure(undefined);
    try {
      await onSave(siteSchema.parse(toSite(values)));
    } catch (error) {
      setFailure(errorMessage(error));
    }
  });
  const text = (name: (typeof FIELDS)[number], extra: Record<string, unknown> = {}) => (
    <Field label={t(`sites.${name}`)}>
      <input
        className="field__input"
        aria-invalid={errors[name] ? true : undefined}
        {...extra}
        {...form.register(name)}
      />
      {errors[name] && <span className="field__error">{t(`sites.invalid.${name}`)}</span>}
    </Field>
  );

  return (
    <form className="office-card office-form" onSubmit={(event) => void submit(event)} noValidate>
      <h2>{site ? t('sites.formEdit', { id: site.id }) : t('sites.formNew')}</h2>
      <div className="office-form__grid">
        {text('id', { readOnly: Boolean(site) })}
        {text('name')}
        <Field label={t('sites.type')}>
          <select className="field__input" {...form.register('type')}>
            {SITE_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`siteType.${type}`)}
              </option>
            ))}
          </select>
        </Field>
        {text('district', { list: 'office-districts' })}
        <datalist id="office-districts">
          {districts.map((district) => (
            <option key={district} value={district} />
          ))}
        </datalist>
        {text('parentId')}
        {text('address')}
        {text('lat', { inputMode: 'decimal' })}
        {text('lng', { inputMode: 'decimal' })}
      </div>
      {failure && (
        <p className="notice notice--error" role="alert">
          {failure}
        </p>
      )}
      <div className="toolbar">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          {isSubmitting ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
