// @vitest-environment happy-dom
/**
 * What a resident reads about a report waiting on the phone: every code the sender records —
 * the network's, the phone's, the server's, a bare HTTP status from a proxy — in words, in both
 * languages, never the raw code.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../../domain/errors';
import type { LocalCitizenReport } from '../../db/citizen-reports';
import { fixedT, initI18n, setLanguage } from '../../i18n';
import { registerCitizenMessages } from './i18n';
import { sendStateText } from './citizen-words';

const entry = (over: Partial<LocalCitizenReport>) => ({ state: 'waiting', ...over }) as LocalCitizenReport;
const CODES = [
  'network',
  'timeout',
  'local',
  'http_502',
  'http_500',
  'http_418',
  'http_404',
  'weird',
  ...Object.keys(ERRORS),
];

beforeAll(async () => {
  await initI18n();
  registerCitizenMessages();
});

describe.each(['zh-CN', 'en'] as const)('in %s', (language) => {
  beforeAll(() => setLanguage(language));

  it.each(CODES)('words %s, waiting or refused, without the code', (code) => {
    const t = fixedT('citizen');
    for (const state of ['waiting', 'attention'] as const) {
      const text = sendStateText(t, entry({ state, lastError: code }), language);
      // English words may be the code's words ('network'); a code with an underscore never is.
      if (language === 'zh-CN' || code.includes('_')) expect(text).not.toContain(code);
      expect(text).not.toMatch(/http_|\{\{|send\./);
      expect(text.length).toBeGreaterThan(2);
    }
  });
});

it('tells a proxy’s 502 (the server is down) from a refusal, in Chinese', async () => {
  await setLanguage('zh-CN');
  const t = fixedT('citizen');
  expect(sendStateText(t, entry({ lastError: 'http_502' }), 'zh-CN')).toBe('稍后自动重试（服务器暂时不可用）');
  expect(sendStateText(t, entry({ state: 'attention', lastError: 'http_418' }), 'zh-CN')).toBe(
    '发送被拒绝：服务器未能处理该请求',
  );
});
