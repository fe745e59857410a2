// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useForm } from 'react-hook-form';
import { afterEach, describe, expect, it } from 'vitest';
import { TextField } from './TextField';

afterEach(cleanup);

function PasswordForm() {
  const form = useForm({ defaultValues: { password: '' } });
  const error = form.formState.errors.password?.message;
  return (
    <form onSubmit={(event) => void form.handleSubmit(() => undefined)(event)} noValidate>
      <TextField
        label="密码"
        type="password"
        error={error}
        {...form.register('password', { required: '请填写密码' })}
      />
      <button type="submit">登录</button>
    </form>
  );
}

describe('TextField', () => {
  it('labels its input, and shows the message and marks the input invalid only while there is one', async () => {
    render(<PasswordForm />);
    const input = screen.getByLabelText('密码');
    expect(input.getAttribute('type')).toBe('password');
    expect(input.getAttribute('aria-invalid')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: '登录' }));
    expect(await screen.findByText('请填写密码')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');

    // The registered ref reaches the input: react-hook-form reads what was typed.
    fireEvent.change(input, { target: { value: 'secret' } });
    fireEvent.click(screen.getByRole('button', { name: '登录' }));
    await expect.poll(() => screen.queryByText('请填写密码')).toBeNull();
    expect(input.getAttribute('aria-invalid')).toBeNull();
  });
});
