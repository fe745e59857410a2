/**
 * One catalogue of the error codes the server sends (`{error, message}` of API.md) and what a
 * client does with each: retry later, ask the user to sign in again, or show the entry as
 * needing attention. Server and app import the same table.
 */
export type ClientAction = 'retry' | 'sign_in' | 'attention' | 'send_photos';

interface ErrorSpec {
  status: number;
  zh: string;
  en: string;
  action: ClientAction;
}

export const ERRORS = {
  malformed_json: {
    status: 400,
    zh: '请求内容不是有效的 JSON。',
    en: 'The request body is not valid JSON.',
    action: 'attention',
  },
  invalid_request: {
    status: 400,
    zh: '请求内容不符合要求。',
    en: 'The request does not match the schema.',
    action: 'attention',
  },
  invalid_id: { status: 400, zh: '编号格式不正确。', en: 'The id has an invalid format.', action: 'attention' },
  invalid_hash: {
    status: 400,
    zh: '照片指纹（SHA-256）格式不正确。',
    en: 'The photo hash is not 64 lowercase hex digits.',
    action: 'attention',
  },
  hash_mismatch: {
    status: 400,
    zh: '照片内容与其指纹不符，可能在传输中损坏。',
    en: 'The photo bytes do not match their SHA-256.',
    action: 'retry',
  },
  unauthorized: { status: 401, zh: '登录已失效，请重新登录。', en: 'Sign-in required or expired.', action: 'sign_in' },
  invalid_credentials: { status: 401, zh: '用户名或密码错误。', en: 'Wrong username or password.', action: 'sign_in' },
  forbidden: {
    status: 403,
    zh: '您的账号无权进行此操作。',
    en: 'Your role or assignment does not allow this.',
    action: 'attention',
  },
  password_change_required: {
    status: 403,
    zh: '请先修改密码：初始密码或管理员重置的密码须在首次登录时更改。',
    en: 'Change your password first: a generated or reset password must be changed at the first sign-in.',
    action: 'sign_in',
  },
  not_found: { status: 404, zh: '找不到所请求的内容。', en: 'Nothing exists at this path.', action: 'attention' },
  conflict: {
    status: 409,
    zh: '同一编号和版本已有不同内容。',
    en: 'Different content already exists under this id and revision.',
    action: 'attention',
  },
  username_taken: { status: 409, zh: '用户名已被使用。', en: 'The username is taken.', action: 'attention' },
  payload_too_large: {
    status: 413,
    zh: '上传内容过大。',
    en: 'The request body is over the limit.',
    action: 'attention',
  },
  image_too_large: {
    status: 413,
    zh: '照片像素尺寸过大：每边最多 8192 像素，总计最多 4000 万像素。',
    en: 'The image is too large: at most 8192 pixels per side and 40 megapixels.',
    action: 'attention',
  },
  unsupported_media_type: {
    status: 415,
    zh: '不支持的内容类型：照片须为 JPEG、PNG 或 WebP 图片，其他请求须为 JSON。',
    en: 'Unsupported content type: photos must be JPEG, PNG or WebP images, other requests JSON.',
    action: 'attention',
  },
  missing_photos: {
    status: 422,
    zh: '服务器尚未收到部分照片。',
    en: 'Some referenced photos are not on the server yet.',
    action: 'send_photos',
  },
  request_timeout: {
    status: 408,
    zh: '请求发送得太慢，已超时，请重试。',
    en: 'The request took too long to arrive; try again.',
    action: 'retry',
  },
  headers_too_large: {
    status: 431,
    zh: '请求头过大。',
    en: 'The request headers are too large.',
    action: 'attention',
  },
  too_many_attempts: {
    status: 429,
    zh: '登录失败次数过多，请 15 分钟后再试。',
    en: 'Too many failed sign-ins; try again in 15 minutes.',
    action: 'retry',
  },
  too_many_reports: {
    status: 429,
    zh: '提交的反馈过多，请稍后再试。',
    en: 'Too many reports from here for now; try again later.',
    action: 'retry',
  },
  challenge_failed: {
    status: 400,
    zh: '验证已过期或无效，请重新提交。',
    en: 'The proof of work is missing, expired, used or wrong; get a new challenge.',
    action: 'retry',
  },
  not_plain_text: {
    status: 400,
    zh: '描述只能是纯文字，不能包含网页代码或链接。',
    en: 'The description must be plain text: no markup and no links.',
    action: 'attention',
  },
  internal_error: {
    status: 500,
    zh: '服务器内部错误，请稍后重试。',
    en: 'Internal server error; try again later.',
    action: 'retry',
  },
  unavailable: {
    status: 503,
    zh: '服务器暂时不可用，请稍后重试。',
    en: 'The server is temporarily unavailable.',
    action: 'retry',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface ApiErrorBody {
  error: ErrorCode;
  message: string;
  [extra: string]: unknown;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

/** What a client should do on an HTTP status when the body carries no known code. */
export function actionForStatus(status: number): ClientAction {
  if (status === 401) return 'sign_in';
  if (status === 422) return 'send_photos';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'attention';
}
