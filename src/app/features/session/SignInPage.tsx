import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation, type TFunction } from '../../i18n';
import * as z from 'zod/mini';
import { ApiRequestError, NetworkError } from '../../api/api-client';
import { TextField } from '../../ui/TextField';
import { localErrorText } from '../../i18n/local-errors';

export interface SignInPageProps {
  onSignIn: (username: string, password: string) => Promise<void>;
  /** Shown above the form, e.g. after the session expired. */
  notice?: string | undefined;
}

interface Credentials {
  username: string;
  password: string;
}

/** Sign in once while online; the app then keeps what the user needs offline. */
export function SignInPage({ onSignIn, notice }: SignInPageProps) {
  const { t } = useTranslation();
  const [failure, setFailure] = useState<string>();
  const schema = z.object({
    username: z.string().check(z.trim(), z.minLength(1, t('session.required'))),
    password: z.string().check(z.minLength(1, t('session.required'))),
  });
  const form = useForm<Credentials>({ resolver: zodResolver(schema), defaultValues: { username: '', password: '' } });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async ({ username, password }) => {
    setFailure(undefined);
    try {
      await onSignIn(username.trim(), password);
    } catch (error) {
      setFailure(describeFailure(error, t));
    }
  });

  return (
    <main className="page page--narrow">
      <h1>{t('app.name')}</h1>
      <h2>{t('session.title')}</h2>
      <p className="muted">{t('session.intro')}</p>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          label={t('session.username')}
          autoComplete="username"
          autoCapitalize="none"
          error={errors.username?.message}
          {...form.register('username')}
        />
        <TextField
          label={t('session.password')}
          type="password"
          autoComplete="current-password"
          error={errors.password?.message}
          {...form.register('password')}
        />
        {failure && (
          <p className="notice notice--error" role="alert">
            {failure}
          </p>
        )}
        <button type="submit" className="button button--primary button--block" disabled={isSubmitting}>
          {isSubmitting ? t('session.signingIn') : t('session.submit')}
        </button>
      </form>
    </main>
  );
}

function describeFailure(error: unknown, t: TFunction): string {
  if (error instanceof NetworkError) return t('session.failed.network');
  if (error instanceof ApiRequestError) {
    if (error.code === 'invalid_credentials' || error.code === 'too_many_attempts')
      return t(`session.failed.${error.code}`);
    return t('session.failed.other', { message: error.message });
  }
  return t('session.failed.other', { message: localErrorText(t, error) });
}
