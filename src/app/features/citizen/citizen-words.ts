/**
 * Words for what the sender records (`lastError` of a report on the phone): the network's and
 * the phone's codes, and a status without the server's code (`http_502` from a proxy), from this
 * page's catalogue; the server's codes from the shared error catalogue. A resident never reads
 * a raw code.
 */
import type { TFunction } from '../../i18n';
import { ERRORS, isErrorCode } from '../../../domain/errors';
import type { LocalCitizenReport } from '../../db/citizen-reports';

export function sendStateText(t: TFunction<'citizen'>, entry: LocalCitizenReport, language: string): string {
  if (entry.state === 'delivered') return t('send.delivered');
  const error = entry.lastError;
  if (entry.state === 'attention')
    return error ? t('send.attentionWith', { message: errorText(t, error, language) }) : t('send.attention');
  if (error === 'network') return t('send.network');
  if (error === 'timeout') return t('send.timeout');
  if (error) return t('send.retry', { message: errorText(t, error, language) });
  return t('send.waiting');
}

/** One recorded code in words: the server's catalogue, else this page's. */
export function errorText(t: TFunction<'citizen'>, code: string, language: string): string {
  if (isErrorCode(code)) return ERRORS[code][language.startsWith('en') ? 'en' : 'zh'];
  if (code === 'local') return t('send.code.local');
  const status = /^http_(\d{3})$/.exec(code)?.[1];
  if (status) return t(Number(status) >= 500 ? 'send.code.serverDown' : 'send.code.refused');
  return t('send.code.unknown');
}
