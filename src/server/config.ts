/**
 * Server configuration from the environment (API.md "Running the server"). Invalid values stop
 * the start with a message that names the variable, instead of failing later in a confusing way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PhotoStoreKind } from './storage/photo-store';
import { parseS3Url, type S3Location } from './storage/s3-photo-store';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  adminPassword: string | undefined;
  /**
   * The address residents and phones reach the server at (`https://civic.example.cn`), used for
   * links the server hands out (the published ranking's URL, printed as a QR code). Never taken
   * from a request's Host header, which any client can set.
   */
  publicUrl: string | undefined;
  /**
   * Which proxies to believe about the client's address and scheme (X-Forwarded-For/-Proto):
   * false (believe none), a hop count, or addresses/CIDRs (`loopback`, `10.0.0.0/8`).
   */
  trustProxy: TrustProxy;
  /** PHOTO_STORE: where photo bytes live (`disk` under DATA_DIR, `database`, or `s3://…`); see photo-store.ts. */
  photoStore: PhotoStoreKind;
  /** The bucket when PHOTO_STORE is `s3://bucket/prefix` (with S3_ENDPOINT, AWS_REGION, S3_FORCE_PATH_STYLE). */
  s3?: S3Location;
  /** True when PHOTO_STORE was not set and the default was taken (the start checks no photos are left behind). */
  photoStoreDefaulted: boolean;
  /** TLS_CERT and TLS_KEY (PEM files): serve HTTPS directly instead of behind a proxy. */
  tls: { cert: Buffer; key: Buffer } | undefined;
  /** METRICS_TOKEN (a bearer token) and METRICS_ALLOW (addresses) for /api/metrics. */
  metrics: { token?: string; allow?: string[] };
  /** Folder of the built app (vite build output). */
  distDir: string;
  /** Folder of the rubric data (`rubric/<version>/<type>.json`). */
  rubricDir: string;
}

export type TrustProxy = false | number | string[];

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT 必须是 0–65535 之间的整数 (PORT must be a TCP port), got "${env.PORT}"`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL 必须以 postgres:// 开头 (DATABASE_URL must be a postgres:// URL)');
  }
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD 至少需要 8 个字符 (ADMIN_PASSWORD needs at least 8 characters)');
  }
  return {
    publicUrl: readPublicUrl(env.PUBLIC_URL),
    trustProxy: readTrustProxy(env.TRUST_PROXY),
    ...readPhotoStore(env.PHOTO_STORE, databaseUrl, env),
    tls: readTls(env.TLS_CERT, env.TLS_KEY),
    metrics: readMetricsAccess(env.METRICS_TOKEN, env.METRICS_ALLOW),
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR?.trim() || path.join(PROJECT_ROOT, 'data')),
    databaseUrl,
    adminPassword,
    distDir: path.join(PROJECT_ROOT, 'dist'),
    rubricDir: path.join(PROJECT_ROOT, 'rubric'),
  };
}

function readPublicUrl(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    url = new URL('invalid:');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username) {
    throw new ConfigError(
      `PUBLIC_URL 必须是 http(s):// 开头的网址，如 https://civic.example.cn (PUBLIC_URL must be an http(s) URL), got "${text}"`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

function readTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim().toLowerCase();
  if (!text || text === 'false' || text === '0') return false;
  if (/^[1-9]\d?$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const address = /^(loopback|linklocal|uniquelocal|[0-9.]+(\/\d{1,2})?|[0-9a-f:]+(\/\d{1,3})?)$/;
  if (entries.some((entry) => !address.test(entry))) {
    throw new ConfigError(
      `TRUST_PROXY 须为代理的跳数或地址列表，如 1 或 loopback 或 10.0.0.0/8 (TRUST_PROXY must be a hop count or addresses), got "${value}"`,
    );
  }
  return entries;
}

/**
 * The address to open in a browser for this configuration, as the start-up and demo messages
 * print it: `http://{HOST}:{PORT}/`, an IPv6 host in brackets. A wildcard bind (`0.0.0.0`, `::`)
 * is reachable on this machine at the loopback address, which is what gets printed then.
 */
export function serverUrl(config: Pick<ServerConfig, 'host' | 'port'> & { tls?: unknown }): string {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  const scheme = config.tls ? 'https' : 'http';
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${config.port}/`;
}

function readTls(certPath: string | undefined, keyPath: string | undefined): ServerConfig['tls'] {
  const [cert, key] = [certPath?.trim(), keyPath?.trim()];
  if (!cert && !key) return undefined;
  if (!cert || !key)
    throw new ConfigError('TLS_CERT 和 TLS_KEY 须同时设置 (set both TLS_CERT and TLS_KEY, or neither)');
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new ConfigError(
        `无法读取 ${name}=${file}: ${(error as Error).message} (${name} must be a readable PEM file)`,
      );
    }
  };
  return { cert: read('TLS_CERT', cert), key: read('TLS_KEY', key) };
}

function readMetricsAccess(token: string | undefined, allow: string | undefined): ServerConfig['metrics'] {
  const access: ServerConfig['metrics'] = {};
  if (token?.trim()) {
    if (token.trim().length < 16)
      throw new ConfigError('METRICS_TOKEN 至少需要 16 个字符 (METRICS_TOKEN needs at least 16 characters)');
    access.token = token.trim();
  }
  const addresses = allow
    ?.split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (addresses?.length) access.allow = addresses;
  return access;
}

/** Photos in the database by default with PostgreSQL (several processes share them), on disk with SQLite. */
function readPhotoStore(
  value: string | undefined,
  databaseUrl: string | undefined,
  env: NodeJS.ProcessEnv,
): Pick<ServerConfig, 'photoStore' | 'photoStoreDefaulted' | 's3'> {
  const text = value?.trim();
  if (!text) return { photoStore: databaseUrl ? 'database' : 'disk', photoStoreDefaulted: true };
  return { ...readPhotoStoreSetting(text, env), photoStoreDefaulted: false };
}

/**
 * A photo store named as PHOTO_STORE names it (`disk`, `database`, `s3://bucket/prefix`); also
 * what `npm run photos:migrate` takes. An S3 bucket is reached with S3_ENDPOINT (unset: AWS),
 * AWS_REGION (default us-east-1) and S3_FORCE_PATH_STYLE (default on with S3_ENDPOINT, as MinIO
 * and most S3-compatible services need); credentials come from the AWS SDK's own chain
 * (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role).
 */
export function readPhotoStoreSetting(
  text: string,
  env: NodeJS.ProcessEnv = process.env,
): { photoStore: PhotoStoreKind; s3?: S3Location } {
  const lower = text.trim().toLowerCase();
  if (lower === 'disk' || lower === 'database') return { photoStore: lower };
  let bucket: ReturnType<typeof parseS3Url>;
  try {
    bucket = parseS3Url(text.trim());
  } catch {
    bucket = null; // an s3:// address without a valid bucket name: worded below
  }
  if (!bucket)
    throw new ConfigError(
      `PHOTO_STORE 须为 disk、database 或 s3://存储桶/前缀 (PHOTO_STORE must be disk, database or s3://bucket/prefix), got "${text}"`,
    );
  const endpoint = env.S3_ENDPOINT?.trim() || undefined;
  if (endpoint && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint))
    throw new ConfigError(
      `S3_ENDPOINT 须为 http(s)://主机[:端口] (S3_ENDPOINT must be an http(s) URL without a path), got "${endpoint}"`,
    );
  const pathStyle = env.S3_FORCE_PATH_STYLE?.trim().toLowerCase();
  return {
    photoStore: 's3',
    s3: {
      ...bucket,
      region: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1',
      forcePathStyle: pathStyle ? pathStyle === '1' || pathStyle === 'true' : endpoint !== undefined,
      ...(endpoint && { endpoint }),
    },
  };
}
