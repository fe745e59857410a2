// Image sizes from headers: real files from the e2e fixtures, WebP headers as the spec lays
// them out, a JPEG whose frame header comes after megabytes of comments (fed in small chunks),
// and the limits that refuse image bombs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../config';
import { createSizeScanner, isWithinLimits, readImageSize, type SizeReading } from './image-size';

const fixture = (name: string) => readFileSync(join(PROJECT_ROOT, 'e2e', 'fixtures', 'photos', name));

/** A baseline JPEG frame header declaring width × height. */
function jpegWithSize(width: number, height: number, commentBytes = 0): Buffer {
  const comments: Buffer[] = [];
  for (let left = commentBytes; left > 0; left -= 65_533) {
    const payload = Math.min(65_533, left);
    const head = Buffer.from([0xff, 0xfe, 0, 0]);
    head.writeUInt16BE(payload + 2, 2);
    comments.push(head, Buffer.alloc(payload, 0x20));
  }
  const sof = Buffer.from([0xff, 0xc0, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), ...comments, sof, Buffer.from([0xff, 0xda, 0, 8])]);
}

function pngWithSize(width: number, height: number): Buffer {
  const head = Buffer.from('89504e470d0a1a0a0000000d4948445200000000000000000806000000', 'hex');
  head.writeUInt32BE(width, 16);
  head.writeUInt32BE(height, 20);
  return head;
}

function webp(chunk: 'VP8X' | 'VP8L' | 'VP8 ', width: number, height: number): Buffer {
  const bytes = Buffer.alloc(30);
  bytes.write('RIFF', 0, 'latin1');
  bytes.write('WEBP', 8, 'latin1');
  bytes.write(chunk, 12, 'latin1');
  if (chunk === 'VP8X') {
    bytes.writeUIntLE(width - 1, 24, 3);
    bytes.writeUIntLE(height - 1, 27, 3);
  } else if (chunk === 'VP8L') {
    bytes[20] = 0x2f;
    bytes.writeUInt32LE(((width - 1) | ((height - 1) << 14)) >>> 0, 21);
  } else {
    bytes.set([0x9d, 0x01, 0x2a], 23);
    bytes.writeUInt16LE(width, 26);
    bytes.writeUInt16LE(height, 28);
  }
  return bytes;
}

/** Feeds the bytes in chunks of `size` and returns the first reading that is not 'more'. */
function scanInChunks(bytes: Buffer, size: number): SizeReading {
  const scanner = createSizeScanner('image/jpeg');
  let reading: SizeReading = 'more';
  for (let at = 0; at < bytes.length && reading === 'more'; at += size)
    reading = scanner.push(bytes.subarray(at, at + size));
  return reading;
}

describe('image sizes from headers', () => {
  it('reads real files: a camera JPEG with EXIF, an ordinary JPEG, a PNG', () => {
    expect(readImageSize('image/jpeg', fixture('exif6-4000x3000.jpg'))).toEqual({ width: 4000, height: 3000 });
    expect(readImageSize('image/jpeg', fixture('ordinary-640x480.jpg'))).toEqual({ width: 640, height: 480 });
    expect(readImageSize('image/png', fixture('transparent-320x240.png'))).toEqual({ width: 320, height: 240 });
  });

  it('reads the three WebP forms', () => {
    expect(readImageSize('image/webp', webp('VP8X', 60_000, 60_000))).toEqual({ width: 60_000, height: 60_000 });
    expect(readImageSize('image/webp', webp('VP8L', 1600, 1200))).toEqual({ width: 1600, height: 1200 });
    expect(readImageSize('image/webp', webp('VP8 ', 1200, 1600))).toEqual({ width: 1200, height: 1600 });
  });

  it('finds a JPEG frame header after 3 MB of comments, fed a few bytes at a time, holding none of them', () => {
    const bytes = jpegWithSize(60_000, 60_000, 3_000_000);
    expect(scanInChunks(bytes, 7)).toEqual({ width: 60_000, height: 60_000 });
    expect(scanInChunks(bytes, 65_536)).toEqual({ width: 60_000, height: 60_000 });
  });

  it("says 'more' for a cut header and 'invalid' for a JPEG whose scan starts before any frame", () => {
    expect(readImageSize('image/png', pngWithSize(10, 10).subarray(0, 20))).toBe('more');
    expect(readImageSize('image/jpeg', jpegWithSize(10, 10).subarray(0, 10))).toBe('more');
    expect(readImageSize('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 8]))).toBe('invalid');
    expect(readImageSize('image/jpeg', fixture('not-a-photo.jpg'))).toBe('invalid');
    expect(readImageSize('image/png', pngWithSize(0, 10))).toBe('invalid');
  });

  it('limits: 8192 px per side and 40 MP', () => {
    expect(isWithinLimits({ width: 1600, height: 1200 })).toBe(true);
    expect(isWithinLimits({ width: 8192, height: 4882 })).toBe(true); // 39.99 MP
    expect(isWithinLimits({ width: 8193, height: 10 })).toBe(false);
    expect(isWithinLimits({ width: 10, height: 8193 })).toBe(false);
    expect(isWithinLimits({ width: 8000, height: 5001 })).toBe(false); // 40.008 MP
  });
});
