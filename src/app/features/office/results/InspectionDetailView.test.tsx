// @vitest-environment happy-dom
/**
 * The inspection detail as the office reads it: a submission, or a photo taken, on a Shanghai
 * date outside the round's dates is accepted by the server but marked 轮次外 — a notice at the
 * top that says what lies outside, and the mark beside the submission time. Inside the round,
 * nothing is marked.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { answersFor, RUBRIC_2021 } from '../../../../domain/test-fixtures';
import type { ReviewDecisionView } from '../../../../domain/review';
import type { Round, Site } from '../../../../domain/wire';
import type { InspectionDetail, OfficeApi } from '../../../api/office-api';
import { initI18n } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { RoundContext, type RoundData } from '../rounds/round-context';
import { OfficeProvider } from '../shared/office-context';
import { InspectionDetailView } from './InspectionDetailPage';

const ROUND: Round = {
  id: 'R2021-07',
  name: '2021年7月模拟测评',
  rubricVersion: '2021',
  rectifyBelow: 90,
  rectifyDays: 15,
  startsOn: '2021-07-05',
  endsOn: '2021-07-18',
  createdAt: '2021-06-20T02:00:00.000Z',
};
const SITE: Site = { id: 'XH-S-001', name: '曙光街社区新时代文明实践站', type: 'station', district: '新华区' };
const PHOTO = 'a'.repeat(64);

/** A station inspection with one deduction (T16, one photo), submitted and photographed at the given times. */
function inspection(submittedAt: string, capturedAt: string): InspectionDetail {
  return {
    id: '6f1c2b1e-8a4e-4c59-9d1f-0a3b5c7d9e11',
    revision: 1,
    roundId: ROUND.id,
    siteId: SITE.id,
    rubricVersion: '2021',
    startedAt: submittedAt,
    submittedAt,
    receivedAt: submittedAt,
    inspectorId: 'u1',
    score: 95,
    fullMarks: false,
    answers: answersFor('station', { T16: 'C#' }).map((answer) =>
      answer.itemId === 'T16' ? { ...answer, photos: [PHOTO] } : answer,
    ),
    photoMeta: { [PHOTO]: { capturedAt } },
  };
}

const photoUrl = vi.fn(async (sha256: string) => `blob:${sha256.slice(0, 4)}`);

function renderDetail(detail: InspectionDetail, review?: ReviewDecisionView) {
  const round: RoundData = {
    round: ROUND,
    sites: [SITE],
    siteById: new Map([[SITE.id, SITE]]),
    users: [],
    userName: () => '李明',
    feed: {
      inspections: [],
      fresh: new Set(),
      version: 0,
      loaded: true,
      error: undefined,
      lastCheckedAt: undefined,
      refresh: () => undefined,
    },
    reloadRound: () => undefined,
    reloadScope: () => undefined,
  };
  return render(
    <OfficeProvider
      value={{
        api: {} as OfficeApi,
        user: { id: 'boss', username: 'supervisor', displayName: '王芳', role: 'supervisor' },
        now: () => new Date('2021-07-20T02:00:00Z'),
        photos: { url: photoUrl, dispose: () => undefined },
        prefetched: new Map(),
      }}
    >
      <RoundContext.Provider value={round}>
        <InspectionDetailView inspection={detail} file={RUBRIC_2021.station} siteName={SITE.name} review={review} />
      </RoundContext.Provider>
    </OfficeProvider>,
  );
}

/** The text of the fact `label` in the detail's list. */
function fact(label: string): HTMLElement {
  const term = [...document.querySelectorAll('.facts dt')].find((dt) => dt.textContent === label);
  if (!term?.nextElementSibling) throw new Error(`no fact ${label}`);
  return term.nextElementSibling as HTMLElement;
}

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(() => {
  cleanup();
  photoUrl.mockClear();
});

describe('the inspection detail: 轮次外', () => {
  it('marks nothing when submission and photos lie within the round’s dates', () => {
    // 07-05 00:30 and 07-18 23:30 in Shanghai: the first and the last day count.
    renderDetail(inspection('2021-07-18T15:30:00.000Z', '2021-07-04T16:30:00.000Z'));
    expect(screen.queryByTestId('outside-round-notice')).toBeNull();
    expect(screen.queryAllByTestId('outside-round')).toHaveLength(0);
  });

  it('marks a submission made after the round ended, beside its time and in a notice', () => {
    // 07-19 00:30 in Shanghai, the day after the round's last.
    renderDetail(inspection('2021-07-18T16:30:00.000Z', '2021-07-10T02:00:00.000Z'));
    const notice = screen.getByTestId('outside-round-notice');
    expect(notice.textContent).toContain('提交时间不在本轮测评日期（2021-07-05 至 2021-07-18）之内，请核实。');
    expect(notice.textContent).not.toContain('张照片');
    const mark = within(fact('提交时间')).getByTestId('outside-round');
    expect(mark.textContent).toContain('⚠ 轮次外');
    expect(mark.getAttribute('title')).toBe('该时间不在本轮测评日期（2021-07-05 至 2021-07-18）之内：已接收，请核实。');
  });

  it('marks photos taken before the round began, in the notice only', () => {
    // Captured 07-04 23:59 in Shanghai; submitted inside the round.
    renderDetail(inspection('2021-07-10T02:00:00.000Z', '2021-07-04T15:59:00.000Z'));
    const notice = screen.getByTestId('outside-round-notice');
    expect(within(notice).getByTestId('outside-round')).toBeTruthy();
    expect(notice.textContent).toContain(
      '有 1 张照片的拍摄时间不在本轮测评日期（2021-07-05 至 2021-07-18）之内，请核实。',
    );
    expect(notice.textContent).not.toContain('提交时间');
    expect(within(fact('提交时间')).queryByTestId('outside-round')).toBeNull();
  });
});

describe('the inspection detail: photos', () => {
  it('draws the thumbnails the inspection names, and the full photo only in the viewer', async () => {
    const thumbnail = 'c'.repeat(64);
    renderDetail({
      ...inspection('2021-07-10T02:00:00.000Z', '2021-07-10T01:00:00.000Z'),
      thumbnails: { [PHOTO]: thumbnail },
    });
    const gallery = screen.getByTestId('gallery');
    await waitFor(() => expect(within(gallery).getByRole('img').getAttribute('src')).toBe('blob:cccc'));
    const answers = screen.getByTestId('answers');
    await waitFor(() => expect(within(answers).getByRole('img').getAttribute('src')).toBe('blob:cccc'));
    expect(photoUrl.mock.calls.map(([sha256]) => sha256)).not.toContain(PHOTO);
    fireEvent.click(within(gallery).getByRole('button'));
    const viewer = await screen.findByRole('dialog');
    await waitFor(() => expect(within(viewer).getByRole('img').getAttribute('src')).toBe('blob:aaaa'));
  });
});

describe('the inspection detail: 到场核验', () => {
  const base = () => inspection('2021-07-10T02:00:00.000Z', '2021-07-10T01:50:00.000Z');

  it('words each flag with what was found, and the time on site', () => {
    renderDetail({
      ...base(),
      flags: [
        {
          code: 'far_from_site',
          distanceM: 2224,
          radiusM: 200,
          accuracyM: 40,
          stage: 'submit',
          at: '2021-07-10T02:00:00.000Z',
          beyond: 2,
          fixes: 3,
        },
        { code: 'gallery_photo', photos: ['a'.repeat(64)] },
      ],
      timeOnSiteS: 1500,
    });
    const section = screen.getByTestId('presence');
    expect(section.textContent).toContain('距点位过远');
    expect(section.textContent).toContain(
      '定位距点位约 2224 米，超出核验半径 200 米加定位精度 40 米（提交时，2021-07-10 10:00）；3 次定位中有 2 次超出。',
    );
    expect(section.textContent).toContain('1 张照片从相册选取，而非现场拍摄。');
    expect(section.textContent).toContain('现场时长（首张至末张照片）：25 分钟');
  });

  it('says when nothing was found, and when the inspection was never checked', () => {
    renderDetail({ ...base(), flags: [] });
    expect(screen.getByTestId('presence').textContent).toContain('未发现问题');
    cleanup();
    renderDetail({ ...base(), flags: null });
    expect(screen.getByTestId('presence').textContent).toContain('未核验');
  });
});

describe('the inspection detail: 审核', () => {
  it('shows the latest decision on the revision, and each item’s review comment beside the item', () => {
    const detail = inspection('2021-07-10T02:00:00Z', '2021-07-10T01:50:00Z');
    renderDetail(detail, {
      seq: 3,
      inspectionId: detail.id,
      revision: 1,
      roundId: ROUND.id,
      siteId: SITE.id,
      decision: 'returned',
      comment: '照片不清楚',
      itemComments: [{ itemId: 'T16', comment: '请补拍宣传栏' }],
      reviewerName: '王芳',
      reviewedAt: '2021-07-11T02:00:00Z',
    });
    expect(fact('审核').textContent).toMatch(/^王芳 于 .+ 已退回：照片不清楚$/);
    const comments = screen.getAllByTestId('item-review-comment');
    expect(comments.map((comment) => comment.textContent)).toEqual(['审核意见：请补拍宣传栏']);
    expect(comments[0]!.closest('tr')!.textContent).toContain('T16');
  });

  it('has no review line when the revision is undecided', () => {
    renderDetail(inspection('2021-07-10T02:00:00Z', '2021-07-10T01:50:00Z'));
    expect(() => fact('审核')).toThrow();
    expect(screen.queryByTestId('item-review-comment')).toBeNull();
  });
});
