/**
 * Chinese (zh-CN), the app's first language and the reference catalogue: every key exists here
 * first, `en.ts` has the same shape (the compiler checks it), and a key missing from another
 * language falls back to this one. Bundled with the first load; other languages load on demand.
 */
export const zhCN = {
  app: {
    name: '新时代文明实践阵地测评',
    shortName: '文明实践测评',
    tagline: '新时代文明实践中心、所、站的模拟测评与整改复查工具。现场无网络也能打分、拍照，联网后自动同步。',
  },
  language: {
    label: '语言',
  },
  update: {
    available: '新版本可用',
    apply: '立即更新',
    applying: '正在更新…',
    busy: '正在同步或有未保存的草稿，更新将在同步完成后应用。',
    deferred: '已安排更新：同步完成后将自动刷新页面。',
  },
};

/** The shape every language catalogue has. */
export type Messages = typeof zhCN;
