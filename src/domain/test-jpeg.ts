/**
 * Test and bench photos with hashes of their own: a JPEG with a COM (comment, FF FE) segment
 * inserted right after SOI is still a valid image that browsers and libjpeg decode, but its
 * SHA-256 differs, so the server stores it as a new photo. Pure bytes (no Buffer), so the API
 * harness, the e2e seeders and the benches (in Node and in the browser) share this one copy.
 * Not shipped in the app (only tests, e2e fixtures and scripts import it).
 */

/** A COM segment may carry at most 65,533 bytes (its length field counts its own two bytes). */
export const JPEG_COMMENT_MAX_BYTES = 0xffff - 2;

/** The COM segment holding `payload`: FF FE, the length (payload + 2, big-endian), the payload. */
export function jpegCommentSegment(payload: Uint8Array | string): Uint8Array<ArrayBuffer> {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  if (bytes.length > JPEG_COMMENT_MAX_BYTES)
    throw new RangeError(`a JPEG comment holds at most ${JPEG_COMMENT_MAX_BYTES} bytes`);
  const segment = new Uint8Array(4 + bytes.length);
  segment.set([0xff, 0xfe, (bytes.length + 2) >> 8, (bytes.length + 2) & 0xff]);
  segment.set(bytes, 4);
  return segment;
}

/** `jpeg` with the given segments (COM segments, by default one holding `comment`) right after SOI. */
export function withJpegComment(jpeg: Uint8Array, ...comments: (Uint8Array | string)[]): Uint8Array<ArrayBuffer> {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG: no SOI');
  const segments = comments.map((comment) => jpegCommentSegment(comment));
  const size = jpeg.length + segments.reduce((sum, segment) => sum + segment.length, 0);
  const out = new Uint8Array(size);
  out.set(jpeg.subarray(0, 2));
  let offset = 2;
  for (const segment of segments) {
    out.set(segment, offset);
    offset += segment.length;
  }
  out.set(jpeg.subarray(2), offset);
  return out;
}
