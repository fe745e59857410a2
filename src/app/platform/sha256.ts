/**
 * SHA-256 as lowercase hex, through Web Crypto (a secure context in browsers; Node's global
 * `crypto` in tests). The one copy for the photo pipeline (a Web Worker), the sync engine's
 * upload check and the before-photo download.
 */
export async function sha256Hex(data: Blob | ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
