/**
 * Bytes for the API suites: real JPEGs with distinct hashes, and SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import { JPEG_COMMENT_MAX_BYTES, withJpegComment } from '../../domain/test-jpeg';

/**
 * A real 1×1 grey baseline JPEG (141 bytes, made with libjpeg and decoded back by it). Photos
 * differ by a COM (comment) segment inserted after SOI: still a valid JPEG, a different hash.
 */
const TINY_JPEG = Buffer.from(
  '/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/wAALCAABAAEBAREA' +
    '/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AP//Z',
  'base64',
);
let photoCounter = 0;

/**
 * A valid JPEG whose hash no other call returns: SOI, a COM segment naming it, then, when
 * `bytes` asks for a large photo, further COM segments of padding, then the rest of the tiny JPEG.
 */
export function jpeg(options: { label?: string; bytes?: number } = {}): Buffer {
  const label = `${options.label ?? 'photo'} #${++photoCounter} ${randomBytes(8).toString('hex')}`;
  const comments: (Uint8Array | string)[] = [label];
  let size = TINY_JPEG.length + Buffer.byteLength(label) + 4;
  const wanted = options.bytes ?? 0;
  while (size < wanted) {
    const payload = Math.max(1, Math.min(JPEG_COMMENT_MAX_BYTES, wanted - size - 4));
    comments.push(new Uint8Array(payload).fill(0x20));
    size += payload + 4;
  }
  return Buffer.from(withJpegComment(TINY_JPEG, ...comments).buffer);
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
