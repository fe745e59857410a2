/**
 * Typed translation keys: `t('app.name')` is checked against the zh-CN catalogue, and
 * `useTranslation('office')` against the office workspace's (a lazy chunk; type-only import).
 */
import 'i18next';
import type { CitizenMessages } from '../features/citizen/i18n/zh-CN';
import type { OfficeMessages } from '../features/office/i18n/zh-CN';
import type { Messages } from './zh-CN';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages; office: OfficeMessages; citizen: CitizenMessages };
  }
}
