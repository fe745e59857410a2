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

/**
 * An APP1 "Exif" segment whose Exif IFD holds DateTimeOriginal (`YYYY:MM:DD HH:MM:SS`, the
 * camera's wall clock) and, when given, OffsetTimeOriginal (`+08:00`): a photo with its own
 * capture time, for the proof-of-presence checks. Little- or big-endian TIFF, as cameras vary.
 */
export function exifTimeSegment(
  dateTimeOriginal: string,
  options: { offset?: string; littleEndian?: boolean } = {},
): Uint8Array<ArrayBuffer> {
  const little = options.littleEndian ?? true;
  const ascii = (text: string) => [...new TextEncoder().encode(text), 0];
  const tags: [number, number[]][] = [[0x9003, ascii(dateTimeOriginal)]];
  if (options.offset) tags.push([0x9011, ascii(options.offset)]);
  // TIFF: header (8) · IFD0 with one entry → Exif IFD (2 + 12 n + 4) · the strings.
  const ifd0At = 8;
  const exifAt = ifd0At + 2 + 12 + 4;
  let dataAt = exifAt + 2 + 12 * tags.length + 4;
  const tiff = new DataView(new ArrayBuffer(dataAt + tags.reduce((sum, [, bytes]) => sum + bytes.length, 0)));
  tiff.setUint16(0, little ? 0x4949 : 0x4d4d);
  tiff.setUint16(2, 42, little);
  tiff.setUint32(4, ifd0At, little);
  tiff.setUint16(ifd0At, 1, little);
  tiff.setUint16(ifd0At + 2, 0x8769, little);
  tiff.setUint16(ifd0At + 4, 4, little); // LONG
  tiff.setUint32(ifd0At + 6, 1, little);
  tiff.setUint32(ifd0At + 10, exifAt, little);
  tiff.setUint16(exifAt, tags.length, little);
  tags.forEach(([tag, bytes], index) => {
    const entry = exifAt + 2 + index * 12;
    tiff.setUint16(entry, tag, little);
    tiff.setUint16(entry + 2, 2, little); // ASCII
    tiff.setUint32(entry + 4, bytes.length, little);
    tiff.setUint32(entry + 8, dataAt, little);
    bytes.forEach((byte, i) => tiff.setUint8(dataAt + i, byte));
    dataAt += bytes.length;
  });
  const body = new Uint8Array(tiff.buffer);
  const segment = new Uint8Array(4 + 6 + body.length);
  const length = 2 + 6 + body.length;
  segment.set([0xff, 0xe1, length >> 8, length & 0xff, 0x45, 0x78, 0x69, 0x66, 0, 0]);
  segment.set(body, 10);
  return segment;
}

/** `jpeg` with raw segments (an APP1 from `exifTimeSegment`, …) inserted right after SOI. */
export function withJpegSegments(jpeg: Uint8Array, ...segments: Uint8Array[]): Uint8Array<ArrayBuffer> {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG: no SOI');
  const out = new Uint8Array(jpeg.length + segments.reduce((sum, segment) => sum + segment.length, 0));
  out.set(jpeg.subarray(0, 2));
  let offset = 2;
  for (const segment of segments) {
    out.set(segment, offset);
    offset += segment.length;
  }
  out.set(jpeg.subarray(2), offset);
  return out;
}
