// @vitest-environment happy-dom
/**
 * The import preview as the supervisor sees it: a GBK CSV (the committed fixture, bytes as Excel
 * on Chinese Windows saves them) chosen in the file input shows every row — new, update, error
 * with the reason in Chinese — and only the good rows are sent after the confirm button.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Site } from '../../../../domain/wire';
import { initI18n, setLanguage } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { ImportPreviewView, ImportSites } from './ImportSites';
import { buildPreview } from './site-import';

const gbkBytes = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'sites-gbk.csv'));

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(async () => {
  cleanup();
  await setLanguage('zh-CN');
});

const rowOf = (text: string) => screen.getByText(text).closest('[role="row"]') as HTMLElement;

function choose(input: HTMLElement, file: File) {
  fireEvent.change(input, { target: { files: [file] } });
}

describe('import preview', () => {
  it('previews a GBK CSV row by row and imports only the good rows on confirm', async () => {
    const onImport = vi.fn<(sites: Site[]) => Promise<void>>().mockResolvedValue(undefined);
    render(<ImportSites existingIds={new Set(['XH-C'])} onImport={onImport} />);

    choose(screen.getByLabelText('选择 CSV 或 Excel 文件'), new File([gbkBytes], '点位-GBK.csv', { type: 'text/csv' }));

    const summary = await screen.findByTestId('import-summary');
    expect(summary.textContent).toBe('共 7 行：新增 3，更新 1，有误 3');
    expect(screen.getByText(/编码 GBK/)).toBeTruthy();

    // Good rows, decoded from GBK.
    expect(within(rowOf('新华区新时代文明实践中心')).getByText('更新')).toBeTruthy();
    expect(within(rowOf('曙光街社区新时代文明实践站')).getByText('新增')).toBeTruthy();
    // Bad rows with their reasons.
    expect(within(rowOf('XH-S-003')).getByText('名称：必填')).toBeTruthy();
    const badType = rowOf('青石山社区新时代文明实践站');
    expect(within(badType).getByText('有误')).toBeTruthy();
    expect(
      within(badType).getByText(
        '类型：不是可用的类型，应为以下写法之一：中心/实践中心/新时代文明实践中心/center/centre；所/实践所/新时代文明实践所/institute；站/实践站/新时代文明实践站/station',
      ),
    ).toBeTruthy();
    expect(within(rowOf('重复的站')).getByText('编号：与第 4 行编号重复')).toBeTruthy();
    expect(onImport).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: '导入 4 个点位（跳过 3 行有误的）' }));
    await waitFor(() => expect(onImport).toHaveBeenCalledTimes(1));
    expect(onImport.mock.calls[0]![0].map((site) => site.id)).toEqual(['XH-C', 'XH-I-01', 'XH-S-001', 'XH-S-002']);
    expect(await screen.findByText('已导入 4 个点位。')).toBeTruthy();
    expect(screen.queryByTestId('import-preview')).toBeNull();
  });

  it('shows what an update changes, old → new, and what stays the same', async () => {
    const existing = new Map<string, Site>([
      [
        'XH-C',
        { id: 'XH-C', name: '新华区文明实践中心', type: 'center', district: '新华区', lat: 33.7, lng: 113.2951 },
      ],
      [
        'XH-I-01',
        {
          id: 'XH-I-01',
          name: '曙光街街道新时代文明实践所',
          type: 'institute',
          district: '新华区',
          parentId: 'XH-C',
          address: '曙光街 20 号',
          lat: null,
          lng: null,
        },
      ],
    ]);
    render(<ImportSites existing={existing} onImport={vi.fn()} />);
    choose(screen.getByLabelText('选择 CSV 或 Excel 文件'), new File([gbkBytes], '点位.csv', { type: 'text/csv' }));
    expect((await screen.findByTestId('import-summary')).textContent).toBe('共 7 行：新增 2，更新 2，有误 3');
    const center = rowOf('新华区新时代文明实践中心');
    expect(within(center).getByText('更新')).toBeTruthy();
    expect(
      within(center).getByText(
        '名称：新华区文明实践中心 → 新华区新时代文明实践中心；地址：（空） → 建设路 1 号；纬度：33.7 → 33.7453',
      ),
    ).toBeTruthy();
    expect(within(rowOf('曙光街街道新时代文明实践所')).getByText('无变化')).toBeTruthy();
    expect(within(rowOf('曙光街社区新时代文明实践站')).queryByText('无变化')).toBeNull(); // new: nothing to compare
  });

  it('offers the rejected rows as a CSV with the file’s header and a reason column, also after the import', async () => {
    const saved: Blob[] = [];
    const names: string[] = [];
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      saved.push(blob as Blob);
      return 'blob:rejected';
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    try {
      const onImport = vi.fn<(sites: Site[]) => Promise<void>>().mockResolvedValue(undefined);
      render(<ImportSites existingIds={new Set(['XH-C'])} onImport={onImport} />);
      choose(
        screen.getByLabelText('选择 CSV 或 Excel 文件'),
        new File([gbkBytes], '点位-GBK.csv', { type: 'text/csv' }),
      );
      await screen.findByTestId('import-summary');
      fireEvent.click(screen.getByRole('button', { name: '下载有误的行（CSV）' }));
      fireEvent.click(screen.getByRole('button', { name: '导入 4 个点位（跳过 3 行有误的）' }));
      expect(await screen.findByText(/有 3 行有误，未导入/)).toBeTruthy();
      fireEvent.click(screen.getByRole('button', { name: '下载有误的行（CSV）' }));

      expect(names).toEqual(['点位-GBK-有误的行.csv', '点位-GBK-有误的行.csv']);
      const bytes = new Uint8Array(await saved[1]!.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder().decode(bytes.slice(3));
      expect(text).toBe(await saved[0]!.text().then((all) => all.replace(/^\uFEFF/, '')));
      expect(text.split('\r\n')).toEqual([
        '编号,名称,类型,区县,上级编号,地址,纬度,经度,原因',
        'XH-S-003,,站,新华区,XH-I-01,,,,名称：必填',
        'XH-S-004,青石山社区新时代文明实践站,社区,新华区,XH-I-01,,,,类型：不是可用的类型，应为以下写法之一：中心/实践中心/新时代文明实践中心/center/centre；所/实践所/新时代文明实践所/institute；站/实践站/新时代文明实践站/station',
        'XH-S-001,重复的站,站,新华区,,,,,编号：与第 4 行编号重复',
        '',
      ]);
      // Fixed as the reasons say, the file imports.
      const fixed = text
        .split('\r\n')
        .map((line) => line.replace(/,[^,]*$/, ''))
        .map((line) =>
          line
            .replace('XH-S-003,,', 'XH-S-003,某站,')
            .replace(',社区,', ',站,')
            .replace('XH-S-001,重复', 'XH-S-009,重复'),
        )
        .join('\r\n');
      const again = buildPreview(
        fixed
          .trim()
          .split('\r\n')
          .map((line) => line.split(',')),
        new Set(),
      );
      expect(again.rows.map((row) => row.status)).toEqual(['new', 'new', 'new']);
    } finally {
      createObjectURL.mockRestore();
      click.mockRestore();
    }
  });

  it('sends nothing when the preview is discarded', async () => {
    const onImport = vi.fn<(sites: Site[]) => Promise<void>>().mockResolvedValue(undefined);
    render(<ImportSites existingIds={new Set()} onImport={onImport} />);
    choose(
      screen.getByLabelText('选择 CSV 或 Excel 文件'),
      new File(['\uFEFF编号,名称,类型,区县\r\nS1,站一,站,新华区\r\n'], 'utf8.csv', { type: 'text/csv' }),
    );
    expect((await screen.findByTestId('import-summary')).textContent).toBe('共 1 行：新增 1，更新 0，有误 0');
    expect(screen.getByText(/编码 UTF-8/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '放弃' }));
    expect(screen.queryByTestId('import-preview')).toBeNull();
    expect(onImport).not.toHaveBeenCalled();
  });

  it('says which required columns are missing and offers no import', () => {
    const preview = { fileName: 'x.csv', format: 'csv' as const, ...buildPreview([['编号', '名称']], new Set()) };
    render(<ImportPreviewView preview={preview} onConfirm={vi.fn()} onCancel={vi.fn()} />);
    expect(screen.getByRole('alert').textContent).toBe('缺少必需的列：类型、区县。请检查表头。');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: '导入 0 个点位' }).disabled).toBe(true);
  });

  it('rejects a type that only ends like one (文化站, 党群服务中心), naming the accepted values', () => {
    const preview = {
      fileName: 'x.csv',
      format: 'csv' as const,
      ...buildPreview(
        [
          ['编号', '名称', '类型', '区县'],
          ['S1', '光明路文化站', '文化站', '新华区'],
          ['S2', '光明路党群服务中心', '党群服务中心', '新华区'],
          ['S3', '光明路社区新时代文明实践站', '实践站', '新华区'],
        ],
        new Set(),
      ),
    };
    render(<ImportPreviewView preview={preview} onConfirm={vi.fn()} onCancel={vi.fn()} />);
    expect(screen.getByTestId('import-summary').textContent).toBe('共 3 行：新增 1，更新 0，有误 2');
    for (const name of ['光明路文化站', '光明路党群服务中心']) {
      expect(within(rowOf(name)).getByText('有误')).toBeTruthy();
      expect(within(rowOf(name)).getByText(/^类型：不是可用的类型，应为以下写法之一：中心\/实践中心/)).toBeTruthy();
    }
    expect(screen.getByRole('button', { name: '导入 1 个点位（跳过 2 行有误的）' })).toBeTruthy();
  });

  it('speaks English when the user chose it', async () => {
    await setLanguage('en');
    const preview = {
      fileName: 'x.csv',
      format: 'csv' as const,
      ...buildPreview(
        [
          ['id', 'name', 'type', 'district'],
          ['S1', '', 'station', 'Xinhua'],
          ['S2', '', 'pagoda', 'Xinhua'],
        ],
        new Set(),
      ),
    };
    render(<ImportPreviewView preview={preview} onConfirm={vi.fn()} onCancel={vi.fn()} />);
    expect(screen.getByTestId('import-summary').textContent).toBe('2 rows: 0 new, 0 updates, 2 with errors');
    expect(screen.getByText('Name: required')).toBeTruthy();
    expect(
      screen.getByText(
        /^Type: not a known type; write one of: [^;]*center[^;]*; [^;]*institute[^;]*; [^;]*station[^;]*; Name: required$/,
      ),
    ).toBeTruthy();
    expect(screen.getByTestId('import-preview').textContent).not.toMatch(/[：，（）。、；]/);
  });

  it('lists missing columns with the separator of the language', async () => {
    await setLanguage('en');
    const preview = { fileName: 'x.csv', format: 'csv' as const, ...buildPreview([['id', 'name']], new Set()) };
    render(<ImportPreviewView preview={preview} onConfirm={vi.fn()} onCancel={vi.fn()} />);
    expect(screen.getByRole('alert').textContent).toBe(
      'Required columns missing: Type, District. Check the header row.',
    );
  });
});
