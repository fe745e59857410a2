/**
 * Registers the `citizen` namespace (both languages) with i18next when the report page's chunk
 * loads; typed in src/app/i18n/i18next.d.ts like the office's.
 */
import i18next from 'i18next';
import { citizenEn } from './en';
import { citizenZhCN } from './zh-CN';

export const CITIZEN_NAMESPACE = 'citizen';

export function registerCitizenMessages(): void {
  if (!i18next.hasResourceBundle('zh-CN', CITIZEN_NAMESPACE))
    i18next.addResourceBundle('zh-CN', CITIZEN_NAMESPACE, citizenZhCN, true, true);
  if (!i18next.hasResourceBundle('en', CITIZEN_NAMESPACE))
    i18next.addResourceBundle('en', CITIZEN_NAMESPACE, citizenEn, true, true);
}
