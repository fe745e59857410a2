/**
 * Registers the `unit` namespace (both languages) when the unit's chunk loads; its shape is
 * declared in src/app/i18n (`Namespaces`) like the office's and the citizen page's.
 */
import { registerMessages } from '../../../../i18n';
import { unitEn } from './en';
import { unitZhCN } from './zh-CN';

export function registerUnitMessages(): void {
  registerMessages('unit', { 'zh-CN': unitZhCN, en: unitEn });
}
