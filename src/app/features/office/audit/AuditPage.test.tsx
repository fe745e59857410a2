// @vitest-environment happy-dom
/**
 * 操作记录's paging: 更早的记录 appends the older page once, however fast it is tapped — the
 * button is disabled while a page loads, and a page is appended to the entries shown when it
 * arrives.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditEntryView, AuditPage as AuditPageBody } from '../../../../domain/audit';
import type { OfficeApi } from '../../../api/office-api';
import { initI18n } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { OfficeProvider } from '../shared/office-context';
import { AuditPage } from './AuditPage';

const entry = (seq: number): AuditEntryView => ({
  seq,
  at: '2021-07-20T02:00:00.000Z',
  actorId: 'u1',
  actorName: '王芳',
  action: 'review.approved',
  roundId: 'R2021-07',
  siteId: 'XH-S-001',
  inspectionId: null,
  subject: null,
  detail: {},
  hash: 'h'.repeat(64),
});

/** An audit API whose pages resolve only when the test says so. */
function slowAudit() {
  const pending: ((page: AuditPageBody) => void)[] = [];
  const audit = vi.fn(() => new Promise<AuditPageBody>((resolve) => pending.push(resolve)));
  return {
    audit,
    resolveNext: (page: AuditPageBody) =>
      act(async () => {
        pending.shift()!(page);
        await Promise.resolve();
      }),
  };
}

function renderAudit(audit: OfficeApi['audit']) {
  return render(
    <OfficeProvider
      value={{
        api: { audit } as unknown as OfficeApi,
        user: { id: 'admin', username: 'admin', displayName: '管理员', role: 'admin' },
        now: () => new Date('2021-07-20T02:00:00Z'),
        photos: { url: async () => 'blob:x', dispose: () => undefined },
        prefetched: new Map(),
      }}
    >
      <AuditPage />
    </OfficeProvider>,
  );
}

const shownSeqs = () =>
  [...document.querySelectorAll('[data-testid="audit-entries"] tbody tr')].map((row) => row.firstChild!.textContent);

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(cleanup);

describe('操作记录: older entries', () => {
  it('a double tap on 更早的记录 asks once and shows each entry once', async () => {
    const { audit, resolveNext } = slowAudit();
    renderAudit(audit);
    fireEvent.click(screen.getByRole('button', { name: '查询' }));
    await resolveNext({ entries: [entry(5), entry(4)], next: 4 });
    const more = await screen.findByRole('button', { name: '更早的记录' });
    fireEvent.click(more);
    fireEvent.click(more);
    expect(audit).toHaveBeenCalledTimes(2);
    expect(audit).toHaveBeenLastCalledWith(expect.objectContaining({ before: 4 }));
    expect((more as HTMLButtonElement).disabled).toBe(true);
    await resolveNext({ entries: [entry(3), entry(2)], next: 2 });
    await waitFor(() => expect(shownSeqs()).toEqual(['5', '4', '3', '2']));
    expect(screen.getByRole<HTMLButtonElement>('button', { name: '更早的记录' }).disabled).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: '更早的记录' }));
    await resolveNext({ entries: [entry(1)] });
    await waitFor(() => expect(shownSeqs()).toEqual(['5', '4', '3', '2', '1']));
    expect(screen.queryByRole('button', { name: '更早的记录' })).toBeNull();
  });
});
