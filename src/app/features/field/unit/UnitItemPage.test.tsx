// @vitest-environment happy-dom
/**
 * The unit's item page against a real Dexie database (fake-indexeddb) and a stand-in photo
 * pipeline: what the station head sees of an item, what the form refuses (nothing stored), what
 * it freezes for the outbox, and how each entry's sending state reads in Chinese.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UnitItem } from '../../../api/unit-work-api';
import { testDatabase, type TestDatabase } from '../../../db/test-support';
import { linkScope, listUnitEntries, type LocalUnitEntry } from '../../../db/unit-work';
import { initI18n } from '../../../i18n';
import type { ProcessedPhoto } from '../../../photos/photo-processor';
import type { PhotoStamp } from '../../../photos/photo-protocol';
import { sha256Hex } from '../../../platform/sha256';
import { ServicesProvider, type AppServices } from '../../../services';
import { registerUnitMessages } from './i18n';
import { UnitItemPage } from './UnitItemPage';

const NOW = new Date('2021-07-18T02:00:00.000Z'); // 2021-07-18 in Shanghai
const SCOPE = linkScope('f'.repeat(64));

const ITEM: UnitItem = {
  id: 'R2021-07~XH-S-001~T16',
  roundId: 'R2021-07',
  siteId: 'XH-S-001',
  siteName: '曙光街社区新时代文明实践站',
  district: '新华区',
  itemId: 'T16',
  grade: 'C#',
  note: '宣传栏公益广告破损褪色',
  beforePhotos: ['a'.repeat(64)],
  dueOn: '2021-07-20',
  dispatchedAt: '2021-07-16T02:00:00.000Z',
  objectionUntil: '2021-07-19',
  status: 'open',
  state: 'dispatched',
  escalation: 'blue',
  sentBack: 0,
  answers: [],
  requests: [],
  rechecks: [],
};

let test: TestDatabase;
let process: ReturnType<typeof vi.fn<(file: Blob, stamp: PhotoStamp) => Promise<ProcessedPhoto>>>;
let onQueued: ReturnType<typeof vi.fn<() => void>>;

beforeAll(async () => {
  await initI18n();
  registerUnitMessages();
});

beforeEach(async () => {
  test = await testDatabase();
  process = vi.fn(async (file: Blob) => {
    const blob = new Blob([await file.arrayBuffer()], { type: 'image/jpeg' });
    const thumbnail = new Blob(['thumb', await file.arrayBuffer()], { type: 'image/jpeg' });
    return {
      sha256: await sha256Hex(blob),
      blob,
      thumbnailSha256: await sha256Hex(thumbnail),
      thumbnail,
    } as ProcessedPhoto;
  });
  onQueued = vi.fn<() => void>();
  // The phone's position, for the watermark.
  Object.defineProperty(navigator, 'geolocation', {
    configurable: true,
    value: {
      getCurrentPosition: (success: PositionCallback) =>
        success({ coords: { latitude: 38.0428, longitude: 114.5149, accuracy: 12 } } as GeolocationPosition),
    },
  });
  URL.createObjectURL = vi.fn(() => 'blob:thumb');
  URL.revokeObjectURL = vi.fn();
});
afterEach(() => {
  cleanup();
  test.db.close();
});

function show(item: UnitItem = ITEM, entries: LocalUnitEntry[] = [], now = NOW) {
  const services: AppServices = {
    db: test.db,
    api: {} as AppServices['api'],
    photos: { process, dispose: vi.fn() },
    now: () => now,
    setToken: vi.fn(),
  };
  return render(
    <ServicesProvider services={services}>
      <UnitItemPage
        item={item}
        scope={SCOPE}
        unitName={undefined}
        entries={entries}
        onQueued={onQueued}
        onBack={vi.fn()}
      />
    </ServicesProvider>,
  );
}

const takePhoto = (name: string) =>
  fireEvent.change(screen.getByTestId('unit-photo-input'), {
    target: { files: [new File([`jpeg ${name}`], `${name}.jpg`, { type: 'image/jpeg' })] },
  });

describe('the unit’s item page', () => {
  it('shows the finding: state, escalation in words, grade, due and dispatch dates, the note', () => {
    show();
    expect(screen.getByTestId('unit-item-state').textContent).toBe('待整改');
    expect(screen.getByTestId('unit-escalation').textContent).toBe('蓝色督办：3天内到期');
    expect(screen.getByText(/扣分等级：C# · 整改期限：2021-07-20 · 交办日期：2021-07-16/)).toBeTruthy();
    expect(screen.getByText('测评员说明：宣传栏公益广告破损褪色')).toBeTruthy();
    expect(screen.getByText('照片 1（离线，联网后可看）')).toBeTruthy();
  });

  it('recomputes the level for today: a copy kept offline past the due date reads 黄色督办', () => {
    show(ITEM, [], new Date('2021-07-22T02:00:00.000Z'));
    expect(screen.getByTestId('unit-escalation').textContent).toBe('黄色督办：已逾期');
  });

  it('refuses an answer without text or photo, in Chinese, and stores nothing', async () => {
    show();
    fireEvent.click(screen.getByRole('button', { name: '提交' }));
    expect((await screen.findByRole('alert')).textContent).toContain('请填写整改情况（做了什么）');
    fireEvent.change(screen.getByLabelText('整改情况（做了什么）'), { target: { value: '已更换' } });
    fireEvent.click(screen.getByRole('button', { name: '提交' }));
    expect((await screen.findByRole('alert')).textContent).toBe('请至少拍一张照片。');
    expect(await listUnitEntries(test.db, SCOPE)).toEqual([]);
    expect(onQueued).not.toHaveBeenCalled();
  });

  it('takes photos through the pipeline marked 整改 and freezes the answer with them for the outbox', async () => {
    show();
    fireEvent.change(screen.getByLabelText('整改情况（做了什么）'), { target: { value: '  已更换新的公益广告 ' } });
    fireEvent.change(screen.getByLabelText('备注（可不填）'), { target: { value: '旧海报已撤下' } });
    // The position comes once, at opening (asked at once, never waited for).
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    takePhoto('after');
    await waitFor(() => expect(screen.getByTestId('unit-photos').querySelectorAll('img')).toHaveLength(1));
    expect(process.mock.calls[0]![1]).toMatchObject({
      kind: 'unit',
      siteName: ITEM.siteName,
      itemLabel: 'T16',
      takenAt: NOW.toISOString(),
      gps: { lat: 38.0428, lng: 114.5149, accuracy: 12 },
    });
    fireEvent.click(screen.getByRole('button', { name: '提交' }));
    await screen.findByText('已保存在本机，正在发送。');
    const [entry] = await listUnitEntries(test.db, SCOPE);
    const photo = await (process.mock.results[0]!.value as Promise<ProcessedPhoto>);
    expect(entry).toMatchObject({
      scope: SCOPE,
      rectificationId: ITEM.id,
      state: 'waiting',
      body: {
        kind: 'answer',
        answer: {
          rectificationId: ITEM.id,
          action: '已更换新的公益广告',
          note: '旧海报已撤下',
          photos: [photo.sha256],
        },
      },
    });
    expect(entry!.id).toBe(entry!.body.kind === 'answer' && entry!.body.answer.id);
    expect(onQueued).toHaveBeenCalledTimes(1);
  });

  it('asks for a date after the current due date for 延期, and sends reason and date', async () => {
    show();
    fireEvent.click(screen.getByLabelText('申请延期'));
    fireEvent.change(screen.getByLabelText('延期理由'), { target: { value: '材料未到货' } });
    fireEvent.change(screen.getByLabelText('申请延至'), { target: { value: '2021-07-20' } });
    fireEvent.click(screen.getByRole('button', { name: '提交' }));
    expect((await screen.findByRole('alert')).textContent).toBe('请选择晚于当前期限（2021-07-20）的日期。');
    expect(await listUnitEntries(test.db, SCOPE)).toEqual([]);
    fireEvent.change(screen.getByLabelText('申请延至'), { target: { value: '2021-07-30' } });
    fireEvent.click(screen.getByRole('button', { name: '提交' }));
    await screen.findByText('已保存在本机，正在发送。');
    expect(await listUnitEntries(test.db, SCOPE)).toMatchObject([
      {
        body: {
          kind: 'request',
          request: { kind: 'extension', reason: '材料未到货', dueOn: '2021-07-30', photos: [] },
        },
      },
    ]);
  });

  it('offers 申诉 only within the round’s objection days, and then needs evidence', async () => {
    show(ITEM, [], new Date('2021-07-20T02:00:00.000Z'));
    expect(screen.queryByLabelText('申诉')).toBeNull();
    expect(screen.getByText('已过申诉期限（2021-07-19）')).toBeTruthy();
    cleanup();
    show();
    fireEvent.click(screen.getByLabelText('申诉'));
    fireEvent.change(screen.getByLabelText('申诉理由'), { target: { value: '当天宣传栏在更换中' } });
    fireEvent.click(screen.getByRole('button', { name: '提交' }));
    expect((await screen.findByRole('alert')).textContent).toBe('请至少拍一张照片。');
  });

  it('reads each entry’s sending state in Chinese, with what to do', () => {
    const entry = (state: LocalUnitEntry['state'], lastError?: string): LocalUnitEntry => ({
      id: `${state}-${lastError ?? ''}`,
      scope: SCOPE,
      rectificationId: ITEM.id,
      body: {
        kind: 'answer',
        answer: { id: 'x', rectificationId: ITEM.id, action: '已更换', photos: [], answeredAt: NOW.toISOString() },
      },
      photos: [],
      sentHashes: [],
      state,
      attempts: 0,
      nextAttemptAt: NOW.toISOString(),
      createdAt: NOW.toISOString(),
      ...(lastError && { lastError }),
    });
    show(ITEM, [
      entry('waiting', 'network'),
      entry('sent'),
      entry('failed', 'unauthorized'),
      entry('failed', 'conflict'),
    ]);
    const rows = within(screen.getByTestId('unit-send-states')).getAllByRole('listitem');
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringContaining('整改反馈：待发送 网络不通，联网后自动发送，无需重复提交。'),
      expect.stringContaining('整改反馈：已发送'),
      expect.stringContaining('失败 链接已停用或登录已失效，无法发送。请联系交办的区创文办。'),
      expect.stringMatching(/失败 服务器未接受：.+。请联系交办的区创文办。/),
    ]);
    for (const row of rows) expect(row.textContent).not.toContain('f'.repeat(64));
  });
});
