import { describe, expect, it } from 'vitest';
import { exifTimeSegment, withJpegComment, withJpegSegments } from '../../domain/test-jpeg';
import { exifCaptureTime } from './exif-time';

// SOI, a COM segment, EOI: enough of a JPEG for the marker walk.
const BARE = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
const SHANGHAI = 480;
const buffer = (bytes: Uint8Array) => bytes.slice().buffer;

describe('exifCaptureTime', () => {
  it('reads DateTimeOriginal as the device’s wall clock when the camera wrote no offset', () => {
    const jpeg = withJpegSegments(BARE, exifTimeSegment('2026:11:20 09:30:00'));
    expect(exifCaptureTime(buffer(jpeg), SHANGHAI)).toBe('2026-11-20T01:30:00.000Z');
  });

  it('prefers the camera’s own OffsetTimeOriginal, big-endian TIFF too, after other segments', () => {
    const exif = exifTimeSegment('2026:11:20 09:30:00', { offset: '+02:00', littleEndian: false });
    const jpeg = withJpegComment(withJpegSegments(BARE, exif), 'a comment first');
    expect(exifCaptureTime(buffer(jpeg), SHANGHAI)).toBe('2026-11-20T07:30:00.000Z');
  });

  it('has no time for a photo without EXIF, a zeroed date, a damaged block or something not a JPEG', () => {
    expect(exifCaptureTime(buffer(BARE), SHANGHAI)).toBeUndefined();
    expect(exifCaptureTime(buffer(withJpegSegments(BARE, exifTimeSegment('0000:00:00 00:00:00'))), SHANGHAI)).toBe(
      undefined,
    );
    const cut = withJpegSegments(BARE, exifTimeSegment('2026:11:20 09:30:00')).slice(0, 30);
    expect(exifCaptureTime(buffer(cut), SHANGHAI)).toBeUndefined();
    expect(exifCaptureTime(new TextEncoder().encode('GIF89a').buffer, SHANGHAI)).toBeUndefined();
  });
});
