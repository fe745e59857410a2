/**
 * Users and roles. Admins create users, change roles, reset passwords and disable or enable
 * accounts (each change of role, password or state signs that user out everywhere — the
 * server does it); supervisors see the list, to know whom to assign.
 */
import { useState } from 'react';
import { useForm, type FieldErrors, type Resolver } from 'react-hook-form';
import { useTranslation } from '../../../i18n';
import { passwordSchema, ROLES, userInputSchema, type Role, type UserInput } from '../../../../domain/wire';
import type { UserView } from '../../../api/office-api';
import { errorMessage } from '../shared/errors';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { useLoad } from '../shared/use-load';
import { Field } from '../../../ui/Field';

export function UsersPage() {
  const { t } = useTranslation('office');
  const { api, user: me } = useOffice();
  const users = useLoad('users', (signal) => api.users(signal));
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const admin = me.role === 'admin';

  const change = async (user: UserView, patch: Parameters<typeof api.updateUser>[1], done: string) => {
    setMessage(undefined);
    try {
      await api.updateUser(user.id, patch);
      setMessage({ ok: true, text: done });
      users.reload();
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    }
  };

  return (
    <section className="office-page">
      <h1>{t('users.title')}</h1>
      {!admin && <p className="notice">{t('users.readOnly')}</p>}
      {message && (
        <p className={message.ok ? 'notice notice--ok' : 'notice notice--error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {!users.data ? (
        <LoadState error={users.error} onRetry={users.reload} />
      ) : (
        <table className="data-table" data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">{t('users.username')}</th>
              <th scope="col">{t('users.displayName')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.state')}</th>
              {admin && <th scope="col">{t('users.password')}</th>}
            </tr>
          </thead>
          <tbody>
            {users.data.map((user) => (
              <tr key={user.id} className={user.disabled ? 'is-disabled' : undefined}>
                <td>
                  <code>{user.username}</code>
                </td>
                <td>{user.displayName}</td>
                <td>
                  {admin && user.id !== me.id ? (
                    <select
                      className="field__input field__input--compact"
                      aria-label={t('users.roleOf', { name: user.displayName })}
                      value={user.role}
                      onChange={(event) =>
                        void change(
                          user,
                          { role: event.target.value as Role },
                          t('users.roleChanged', { name: user.displayName }),
                        )
                      }
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t(`role.${role}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    t(`role.${user.role}`)
                  )}
                </td>
                <td>
                  {user.disabled ? t('users.disabled') : t('users.active')}
                  {admin && user.id !== me.id && (
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => {
                        // Disabling ends the person's session at once: not on a slip of the mouse.
                        if (!user.disabled && !window.confirm(t('users.disableConfirm', { name: user.displayName })))
                          return;
                        void change(
                          user,
                          { disabled: !user.disabled },
                          t(user.disabled ? 'users.enabledDone' : 'users.disabledDone', { name: user.displayName }),
                        );
                      }}
                    >
                      {user.disabled ? t('users.enable') : t('users.disable')}
                    </button>
                  )}
                </td>
                {admin && (
                  <td>
                    <PasswordReset
                      user={user}
                      onReset={(password) =>
                        change(user, { password }, t('users.passwordDone', { name: user.displayName }))
                      }
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin && (
        <NewUserForm
          onCreate={async (input) => {
            await api.createUser(input);
            setMessage({ ok: true, text: t('users.created', { name: input.displayName }) });
            users.reload();
          }}
        />
      )}
    </section>
  );
}

function PasswordReset({ user, onReset }: { user: UserView; onReset: (password: string) => Promise<void> }) {
  const { t } = useTranslation('office');
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const valid = passwordSchema.safeParse(password).success;
  if (!open)
    return (
      <button type="button" className="button button--small" onClick={() => setOpen(true)}>
        {t('users.reset')}
      </button>
    );
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!valid) return;
        void onReset(password).then(() => {
          setOpen(false);
          setPassword('');
        });
      }}
    >
      <input
        className="field__input field__input--compact"
        type="password"
        autoComplete="new-password"
        aria-label={t('users.newPasswordOf', { name: user.displayName })}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <button type="submit" className="button button--small" disabled={!valid}>
        {t('common.save')}
      </button>
      <button type="button" className="button button--small" onClick={() => setOpen(false)}>
        {t('common.cancel')}
      </button>
      {!valid && password && <span className="field__error">{t('users.invalid.password')}</span>}
    </form>
  );
}

const FIELDS = ['username', 'displayName', 'role', 'password'] as const;

const userResolver: Resolver<UserInput> = async (values) => {
  const parsed = userInputSchema.safeParse(values);
  if (parsed.success) return { values: parsed.data, errors: {} };
  const errors: FieldErrors<UserInput> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0]) as (typeof FIELDS)[number];
    if (FIELDS.includes(field) && !errors[field]) errors[field] = { type: issue.code, message: issue.message };
  }
  return { values: {}, errors };
};

function NewUserForm({ onCreate }: { onCreate: (input: UserInput) => Promise<void> }) {
  const { t } = useTranslation('office');
  const [failure, setFailure] = useState<string>();
  const form = useForm<UserInput>({
    resolver: userResolver,
    defaultValues: { username: '', displayName: '', role: 'inspector', password: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async (values) => {
    setFailure(undefined);
    try {
      await onCreate(values);
      form.reset();
    } catch (error) {
      setFailure(errorMessage(error));
    }
  });
  const input = (name: 'username' | 'displayName' | 'password', type = 'text') => (
    <Field label={t(`users.${name}`)}>
      <input
        className="field__input"
        type={type}
        autoComplete={name === 'password' ? 'new-password' : 'off'}
        aria-invalid={errors[name] ? true : undefined}
        {...form.register(name)}
      />
      {errors[name] && <span className="field__error">{t(`users.invalid.${name}`)}</span>}
    </Field>
  );
  return (
    <form
      className="office-card office-form"
      aria-labelledby="new-user-title"
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      <h2 id="new-user-title">{t('users.create')}</h2>
      <div className="office-form__grid">
        {input('username')}
        {input('displayName')}
        <Field label={t('users.role')}>
          <select className="field__input" {...form.register('role')}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`role.${role}`)}
              </option>
            ))}
          </select>
        </Field>
        {input('password', 'password')}
      </div>
      {failure && (
        <p className="notice notice--error" role="alert">
          {failure}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={isSubmitting}>
        {isSubmitting ? t('common.saving') : t('users.createButton')}
      </button>
    </form>
  );
}
