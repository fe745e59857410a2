/** English, the second language. Same keys as `zh-CN.ts`; loaded only when chosen. */
import type { Messages } from './zh-CN';

export const en: Messages = {
  app: {
    name: 'New Era Civilization Practice Site Evaluation',
    shortName: 'Civic Inspect',
    tagline:
      'Mock evaluation and rectification recheck of civilization practice centers, institutes and stations. Score and photograph on site without a network; everything syncs when you are back online.',
  },
  language: {
    label: 'Language',
  },
  update: {
    available: 'A new version is available',
    apply: 'Update now',
    applying: 'Updating…',
    busy: 'Syncing or a draft has unsaved changes: the update will apply after syncing.',
    deferred: 'Update scheduled: the page will reload once syncing is done.',
  },
};
