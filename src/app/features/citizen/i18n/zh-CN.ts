/**
 * The `citizen` namespace in Chinese, the reference catalogue of the public report page and
 * 我的反馈 (a lazy chunk of its own); `en.ts` beside it has the same shape (the compiler checks).
 */
export const citizenZhCN = {
  title: '我要反馈',
  intro: '看到新时代文明实践阵地的问题？拍照告诉我们。无需注册，您的反馈只有创文办能看到。',
  nav: { report: '我要反馈', mine: '我的反馈' },
  search: {
    label: '点位名称或所在区',
    placeholder: '例如：东风社区',
    button: '查找',
    none: '没有找到，请换个名称试试。',
    failed: '暂时无法查找点位，请检查网络后重试。',
  },
  site: {
    chosen: '反馈点位',
    unknown: '点位编号 {{id}}（网络恢复后核对名称）',
    missing: '找不到这个点位，请从“我要反馈”重新查找。',
    change: '换一个点位',
    named: '{{name}}（{{district}}）',
  },
  category: {
    label: '问题类型',
    closed_when_open: '未按时开放/关门落锁',
    posters_damaged: '公益广告破损或缺失',
    unclean: '卫生差',
    unattended: '无人值守',
    facility_damaged: '设施损坏',
    other: '其他',
  },
  description: {
    label: '问题描述',
    placeholder: '请描述您看到的情况，例如时间、位置',
    count: '{{count}}/{{max}} 字',
  },
  photos: {
    label: '照片（最多 {{max}} 张，可不拍）',
    add: '拍照或选择照片',
    remove: '删除这张照片',
    processing: '正在处理照片…',
    full: '最多 {{max}} 张照片',
  },
  phone: {
    label: '手机号（选填，便于我们回访，只向工作人员部分显示）',
    placeholder: '例如 13812345678',
  },
  submit: '提交反馈',
  submitting: '正在保存…',
  saved: '已保存在手机上，有网络时会自动发送。可在“我的反馈”查看进度。',
  problem: {
    category: '请选择问题类型。',
    description: '请填写问题描述（最多 {{max}} 字）。',
    plainText: '描述只能是文字，不能包含网址或网页代码。',
    phone: '手机号格式不正确，请填写 11 位手机号或带区号的固定电话。',
    save: '保存失败：{{message}}',
  },
  mine: {
    title: '我的反馈',
    empty: '您还没有提交过反馈。',
    code: '跟踪码 {{code}}',
    noCode: '跟踪码待发送后生成',
    created: '提交于 {{time}}',
    refresh: '刷新进度',
    sendNow: '立即发送',
    reply: '答复：{{reply}}',
    reason: '不予受理原因：{{reply}}',
    saveFailed: '进度已查到，但未能保存在手机上（存储空间可能不足），请清理后再刷新。',
  },
  send: {
    waiting: '等待发送',
    sending: '正在发送…',
    delivered: '已送达',
    attention: '发送被拒绝',
    network: '网络不可用，恢复后自动发送',
    timeout: '网络太慢，稍后自动重试',
    retry: '稍后自动重试（{{message}}）',
    attentionWith: '发送被拒绝：{{message}}',
    code: {
      local: '手机本地出错',
      serverDown: '服务器暂时不可用',
      refused: '服务器未能处理该请求',
      unknown: '未知错误',
    },
  },
  status: {
    new: '待受理',
    accepted: '已受理，处理中',
    closed: '已办结',
    rejected: '不予受理',
    merged: '已合并处理',
  },
  rating: {
    ask: '您对处理结果满意吗？',
    star: '{{count}} 星',
    thanks: '感谢您的评价：{{count}} 星',
    failed: '评价未能发送，请稍后再试。',
  },
};

export type CitizenMessages = typeof citizenZhCN;
