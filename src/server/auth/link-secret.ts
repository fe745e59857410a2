/**
 * The secret site links' tokens are derived with (#17, services/site-links.ts). It must outlive
 * the process — a notice printed today must still open tomorrow — and never sit in the database
 * beside the token hashes (a copy of the database alone must open nothing):
 * `UNIT_LINK_SECRET` (at least 32 characters) when set, the same for every process of a
 * deployment; else 32 random bytes generated once into `{DATA_DIR}/unit-link-secret` (0600).
 *
 * With PostgreSQL (DATABASE_URL) several processes, often on several machines, share one
 * database: each would make its own file and the links one printed would not open on the others,
 * so the start refuses without UNIT_LINK_SECRET.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LINK_SECRET_FILE = 'unit-link-secret';
const MIN_SECRET_LENGTH = 32;
const SECRET_BYTES = 32;

export function loadLinkSecret(dataDir: string, fromEnv: string | undefined, databaseUrl?: string): Uint8Array {
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `UNIT_LINK_SECRET 至少需要 ${MIN_SECRET_LENGTH} 个字符 (UNIT_LINK_SECRET must be at least ${MIN_SECRET_LENGTH} characters)`,
      );
    }
    return Buffer.from(fromEnv, 'utf8');
  }
  if (databaseUrl) {
    throw new Error(
      `使用 DATABASE_URL 时必须设置 UNIT_LINK_SECRET（至少 ${MIN_SECRET_LENGTH} 个字符，所有服务进程相同），否则各进程生成的整改链接互不相认 ` +
        `(with DATABASE_URL, set UNIT_LINK_SECRET to the same value of at least ${MIN_SECRET_LENGTH} characters on every server process: ` +
        `otherwise each process makes its own and the others refuse its site links)`,
    );
  }
  const file = join(dataDir, LINK_SECRET_FILE);
  const stored = readSecretFile(file);
  if (stored) return stored;
  const secret = randomBytes(SECRET_BYTES);
  // Written whole under a name of its own, then linked to the real name: a process starting at
  // the same moment sees no file or the whole file, never a half-written one; `link` fails when
  // the name exists, so the first to link wins and the others read its secret.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // a first start: the database makes it only later
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, secret.toString('base64url'), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readSecretFile(file)!;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** The stored secret; undefined when there is no file yet. A damaged file stops the start. */
function readSecretFile(file: string): Uint8Array | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = Buffer.from(text.trim(), 'base64url');
  if (secret.byteLength !== SECRET_BYTES) {
    throw new Error(
      `${file} 已损坏（应为 ${SECRET_BYTES} 字节的密钥）：请从备份恢复，或设置 UNIT_LINK_SECRET ` +
        `(the site link secret file is damaged: restore it from the backup, or set UNIT_LINK_SECRET)`,
    );
  }
  return secret;
}
