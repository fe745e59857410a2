/**
 * Registers the `office` namespace (both languages) with i18next when the office or public
 * chunk loads. Its type is declared in src/app/i18n/i18next.d.ts, so `useTranslation('office')`
 * keys are checked like the main catalogue's.
 */
import i18next from 'i18next';
import { officeEn } from './en';
import { officeZhCN } from './zh-CN';

export const OFFICE_NAMESPACE = 'office';

export function registerOfficeMessages(): void {
  if (!i18next.hasResourceBundle('zh-CN', OFFICE_NAMESPACE))
    i18next.addResourceBundle('zh-CN', OFFICE_NAMESPACE, officeZhCN, true, true);
  if (!i18next.hasResourceBundle('en', OFFICE_NAMESPACE))
    i18next.addResourceBundle('en', OFFICE_NAMESPACE, officeEn, true, true);
}
