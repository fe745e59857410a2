import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation, type TFunction } from '../../i18n';
import { localErrorText } from '../../i18n/local-errors';
import * as z from 'zod/mini';
import { ApiRequestError, NetworkError } from '../../api/api-client';
import { TextField } from '../../ui/TextField';

export const MIN_PASSWORD_LENGTH = 8;

export interface ChangePasswordPageProps {
  /** Whose password: shown so the person knows which account they are setting it for. */
  displayName: string;
  onChange: (newPassword: string) => Promise<void>;
  onCancel: () => void;
}

interface NewPassword {
  password: string;
  repeat: string;
}

/**
 * After signing in with a generated or reset password: the server allows nothing else until the
 * person chooses their own (at least 8 characters, typed twice). Then the app continues.
 */
export function ChangePasswordPage({ displayName, onChange, onCancel }: ChangePasswordPageProps) {
  const { t } = useTranslation();
  const [failure, setFailure] = useState<string>();
  const schema = z
    .object({
      password: z
        .string()
        .check(
          z.minLength(MIN_PASSWORD_LENGTH, t('session.change.tooShort', { min: MIN_PASSWORD_LENGTH })),
          z.maxLength(200, t('session.change.tooLong')),
        ),
      repeat: z.string(),
    })
    .check(
      z.refine((value) => value.password === value.repeat, {
        message: t('session.change.mismatch'),
        path: ['repeat'],
      }),
    );
  const form = useForm<NewPassword>({ resolver: zodResolver(schema), defaultValues: { password: '', repeat: '' } });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async ({ password }) => {
    setFailure(undefined);
    try {
      await onChange(password);
    } catch (error) {
      setFailure(describeFailure(error, t));
    }
  });

  return (
    <main className="page page--narrow">
      <h1>{t('session.change.title')}</h1>
      <p className="notice" role="status">
        {t('session.change.intro', { name: displayName, min: MIN_PASSWORD_LENGTH })}
      </p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          label={t('session.change.newPassword')}
          type="password"
          autoComplete="new-password"
          error={errors.password?.message}
          {...form.register('password')}
        />
        <TextField
          label={t('session.change.repeat')}
          type="password"
          autoComplete="new-password"
          error={errors.repeat?.message}
          {...form.register('repeat')}
        />
        {failure && (
          <p className="notice notice--error" role="alert">
            {failure}
          </p>
        )}
        <button type="submit" className="button button--primary button--block" disabled={isSubmitting}>
          {isSubmitting ? t('session.change.saving') : t('session.change.submit')}
        </button>
        <button type="button" className="button button--block" onClick={onCancel} disabled={isSubmitting}>
          {t('session.change.cancel')}
        </button>
      </form>
    </main>
  );
}

function describeFailure(error: unknown, t: TFunction): string {
  if (error instanceof NetworkError) return t('session.change.failed.network');
  if (error instanceof ApiRequestError) {
    const path = (error.body.issues as { path?: string }[] | undefined)?.[0]?.path;
    if (error.code === 'invalid_request' && path === 'newPassword') return t('session.change.failed.same');
    if (error.code === 'too_many_attempts' || error.code === 'unavailable') return t('session.change.failed.busy');
    if (error.status === 401) return t('session.change.failed.expired');
  }
  if (error instanceof ApiRequestError) return t('session.change.failed.other', { message: error.message });
  // A local failure (a full phone…): worded by the catalogue, not the technical message.
  return t('session.change.failed.other', { message: localErrorText(t, error) });
}
