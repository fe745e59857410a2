/**
 * Words for what the sender records (`lastError` of a report on the phone): the network's
 * codes from this page's catalogue, the server's from the shared error catalogue.
 */
import type { TFunction } from '../../i18n';
import { ERRORS, isErrorCode } from '../../../domain/errors';
import type { LocalCitizenReport } from '../../db/citizen-reports';

export function sendStateText(t: TFunction<'citizen'>, entry: LocalCitizenReport, language: string): string {
  if (entry.state === 'delivered') return t('send.delivered');
  const error = entry.lastError;
  const server = error && isErrorCode(error) ? ERRORS[error][language.startsWith('en') ? 'en' : 'zh'] : undefined;
  if (entry.state === 'attention') return `${t('send.attention')}${server ? `：${server}` : ''}`;
  if (error === 'network') return t('send.network');
  if (error === 'timeout') return t('send.timeout');
  if (error) return t('send.retry', { message: server ?? error });
  return t('send.waiting');
}
