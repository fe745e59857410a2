// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initI18n } from '../i18n';
import { NOTE_MAX_LENGTH, NoteField } from './NoteField';

beforeAll(async () => {
  await initI18n();
});
afterEach(cleanup);

function renderNote(note?: string) {
  const onNote = vi.fn();
  render(<NoteField label="备注" placeholder="问题描述" rows={2} note={note} readOnly={false} onNote={onNote} />);
  return { onNote, field: screen.getByLabelText('备注') };
}

describe('NoteField', () => {
  it('saves every change and says nothing while the note is short', () => {
    const { onNote, field } = renderNote('二楼');
    fireEvent.change(field, { target: { value: '二楼活动室积尘' } });
    expect(onNote).toHaveBeenLastCalledWith('二楼活动室积尘');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('counts near the limit, and says so when the limit cut the note', () => {
    const { field } = renderNote('字'.repeat(NOTE_MAX_LENGTH - 200));
    expect(screen.getByRole('status').textContent).toBe('1800/2000 字');
    fireEvent.change(field, { target: { value: '字'.repeat(NOTE_MAX_LENGTH) } });
    expect(screen.getByRole('status').textContent).toBe('已达 2000 字上限，超出的部分未保存');
    expect(field.getAttribute('maxlength')).toBe(String(NOTE_MAX_LENGTH));
  });
});
