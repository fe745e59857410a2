/** Typed translation keys: `t('app.name')` is checked against the zh-CN catalogue. */
import 'i18next';
import type { Messages } from './zh-CN';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}
