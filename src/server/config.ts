/**
 * Server configuration from the environment (API.md "Running the server"). Invalid values stop
 * the start with a message that names the variable, instead of failing later in a confusing way.
 */
import path from 'node:path';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  adminPassword: string | undefined;
  /** Folder of the built app (vite build output). */
  distDir: string;
  /** Folder of the rubric data (`rubric/<version>/<type>.json`). */
  rubricDir: string;
}

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
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR?.trim() || path.join(PROJECT_ROOT, 'data')),
    databaseUrl,
    adminPassword,
    distDir: path.join(PROJECT_ROOT, 'dist'),
    rubricDir: path.join(PROJECT_ROOT, 'rubric'),
  };
}

/**
 * The address to open in a browser for this configuration, as the start-up and demo messages
 * print it: `http://{HOST}:{PORT}/`, an IPv6 host in brackets. A wildcard bind (`0.0.0.0`, `::`)
 * is reachable on this machine at the loopback address, which is what gets printed then.
 */
export function serverUrl(config: Pick<ServerConfig, 'host' | 'port'>): string {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}/`;
}
