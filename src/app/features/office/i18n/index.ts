/**
 * Registers the `office` namespace (both languages) when the office or public chunk loads. Its
 * shape is declared in src/app/i18n (`Namespaces`), so `useTranslation('office')` keys are
 * checked like the main catalogue's.
 */
import { registerMessages } from '../../../i18n';
import { officeEn } from './en';
import { officeZhCN } from './zh-CN';

export const OFFICE_NAMESPACE = 'office';

export function registerOfficeMessages(): void {
  registerMessages(OFFICE_NAMESPACE, { 'zh-CN': officeZhCN, en: officeEn });
}
