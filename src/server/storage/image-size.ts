/**
 * An image's pixel size read from its header, without decoding it: JPEG (the SOFn segment,
 * after any APPn/COM segments), PNG (IHDR) and WebP (VP8, VP8L, VP8X). The server refuses
 * image bombs — a small file declaring 60000×60000 pixels that would exhaust the memory of the
 * office's or a rechecker's browser — before storing them. Pure: no I/O.
 */
import type { ImageType } from './photo-store';

export interface ImageSize {
  width: number;
  height: number;
}

/** The app sends at most 1600 px per side; a camera original is at most ~50 MP. */
export const MAX_IMAGE_SIDE = 8192;
export const MAX_IMAGE_PIXELS = 40_000_000;

/** The size, `'more'` while the header continues past what was seen, or `'invalid'`. */
export type SizeReading = ImageSize | 'more' | 'invalid';

/**
 * Reads the size from a body as it streams in, holding only a few bytes at a time: a JPEG's
 * frame header may come after megabytes of APPn/COM segments, which are skipped, not kept.
 */
export interface ImageSizeScanner {
  push(chunk: Uint8Array): SizeReading;
}

export function createSizeScanner(type: ImageType): ImageSizeScanner {
  return type === 'image/jpeg' ? jpegScanner() : headScanner(type === 'image/png' ? readPngSize : readWebpSize);
}

/** The size of a whole (or leading part of an) image: one push. */
export function readImageSize(type: ImageType, head: Uint8Array): SizeReading {
  return createSizeScanner(type).push(head);
}

/** PNG and WebP say their size in the first 30 bytes. */
function headScanner(read: (head: Uint8Array) => SizeReading): ImageSizeScanner {
  let head: Uint8Array = new Uint8Array(0);
  return {
    push(chunk) {
      if (head.length < 30) head = concat(head, chunk.subarray(0, 30 - head.length));
      return read(head);
    },
  };
}

function jpegScanner(): ImageSizeScanner {
  let skip = 2; // SOI
  let pending: Uint8Array = new Uint8Array(0);
  let result: SizeReading = 'more';
  return {
    push(chunk) {
      if (result !== 'more') return result;
      const skipped = Math.min(skip, chunk.length);
      skip -= skipped;
      pending = concat(pending, chunk.subarray(skipped));
      for (;;) {
        const step = readJpegSegment(pending);
        if (typeof step !== 'number') {
          if (step !== 'more') result = step;
          return step;
        }
        if (step > pending.length) {
          skip = step - pending.length;
          pending = new Uint8Array(0);
          return 'more';
        }
        pending = pending.subarray(step);
      }
    },
  };
}

export function isWithinLimits({ width, height }: ImageSize): boolean {
  return width <= MAX_IMAGE_SIDE && height <= MAX_IMAGE_SIDE && width * height <= MAX_IMAGE_PIXELS;
}

const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u16le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const u32be = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
const ascii = (b: Uint8Array, at: number, text: string) =>
  [...text].every((char, i) => b[at + i] === char.charCodeAt(0));

/** Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4). */
function readPngSize(head: Uint8Array): SizeReading {
  if (head.length < 24) return 'more';
  if (!ascii(head, 12, 'IHDR')) return 'invalid';
  return sized(u32be(head, 16), u32be(head, 20));
}

/** "RIFF" size "WEBP", then the first chunk's fourcc at 12 and its data at 20. */
function readWebpSize(head: Uint8Array): SizeReading {
  if (head.length < 30) return 'more';
  if (ascii(head, 12, 'VP8X')) return sized(u24le(head, 24) + 1, u24le(head, 27) + 1);
  if (ascii(head, 12, 'VP8L')) {
    if (head[20] !== 0x2f) return 'invalid';
    const bits = head[21]! | (head[22]! << 8) | (head[23]! << 16) | (head[24]! << 24);
    return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (ascii(head, 12, 'VP8 ')) {
    // A key frame's start code, then 14-bit width and height (2 bits of scale above them).
    if (head[23] !== 0x9d || head[24] !== 0x01 || head[25] !== 0x2a) return 'invalid';
    return sized(u16le(head, 26) & 0x3fff, u16le(head, 28) & 0x3fff);
  }
  return 'invalid';
}

/** Start-of-frame markers: C0–CF except DHT (C4), JPG (C8) and DAC (CC). */
const isStartOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * The segment at the start of `bytes`: how many bytes to skip to the next one, or the frame's
 * size (height at +5, width at +7), or 'more'. A scan or the end before any frame: 'invalid'.
 */
function readJpegSegment(bytes: Uint8Array): SizeReading | number {
  if (bytes.length < 2) return 'more';
  if (bytes[0] !== 0xff) return 'invalid';
  const marker = bytes[1]!;
  if (marker === 0xff) return 1; // a fill byte before the marker
  if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) return 2; // no length: TEM, RSTn
  if (marker === 0xda || marker === 0xd9 || marker === 0xd8 || marker === 0x00) return 'invalid';
  if (bytes.length < 4) return 'more';
  const length = u16be(bytes, 2);
  if (length < 2) return 'invalid';
  if (!isStartOfFrame(marker)) return 2 + length;
  if (bytes.length < 9) return 'more';
  return sized(u16be(bytes, 7), u16be(bytes, 5));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function sized(width: number, height: number): SizeReading {
  return width > 0 && height > 0 ? { width, height } : 'invalid';
}
