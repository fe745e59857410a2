/**
 * Registers the `citizen` namespace (both languages) when the report page's chunk loads; its
 * shape is declared in src/app/i18n (`Namespaces`) like the office's.
 */
import { registerMessages } from '../../../i18n';
import { citizenEn } from './en';
import { citizenZhCN } from './zh-CN';

export const CITIZEN_NAMESPACE = 'citizen';

export function registerCitizenMessages(): void {
  registerMessages(CITIZEN_NAMESPACE, { 'zh-CN': citizenZhCN, en: citizenEn });
}
