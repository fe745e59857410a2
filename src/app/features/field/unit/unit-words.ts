/**
 * Words for what the unit's sender records (`state` and `lastError` of an entry on the phone):
 * the network's codes from the `unit` catalogue, the server's from the shared error catalogue,
 * each with what to do. Never the token: the codes carry none.
 */
import type { TFunction } from '../../../i18n';
import { ERRORS, isErrorCode } from '../../../../domain/errors';
import type { LocalUnitEntry } from '../../../db/unit-work';

export function entryKind(entry: LocalUnitEntry): 'answer' | 'extension' | 'return' | 'objection' {
  return entry.body.kind === 'answer' ? 'answer' : entry.body.request.kind;
}

/** The state's label: 待发送 / 已发送 / 失败. */
export function sendStateLabel(t: TFunction<'unit'>, entry: LocalUnitEntry): string {
  return t(`send.${entry.state}`);
}

/** Why it is not sent yet, or why it failed, and what to do; empty once sent or before a try. */
export function sendStateReason(t: TFunction<'unit'>, entry: LocalUnitEntry, language: string): string {
  const error = entry.lastError;
  if (entry.state === 'sent' || !error) return '';
  const server = isErrorCode(error) ? ERRORS[error][language.startsWith('en') ? 'en' : 'zh'] : undefined;
  if (entry.state === 'failed') {
    if (error === 'unauthorized') return t('send.unauthorized');
    return t('send.refused', { message: server ?? error });
  }
  if (error === 'network') return t('send.network');
  if (error === 'timeout') return t('send.timeout');
  return t('send.retry', { message: server ?? error });
}
