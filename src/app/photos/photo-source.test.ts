import { describe, expect, it } from 'vitest';
import { photoSource } from './photo-source';

const NOW = Date.parse('2026-12-07T02:00:00Z');

describe('photoSource', () => {
  it('takes the gallery button at its word', () => {
    expect(photoSource({ lastModified: NOW }, 'gallery', NOW)).toBe('gallery');
  });

  it('calls a camera file made moments ago a camera photo, an older one a gallery photo', () => {
    expect(photoSource({ lastModified: NOW - 5_000 }, 'camera', NOW)).toBe('camera');
    expect(photoSource({ lastModified: NOW - 3 * 60_000 }, 'camera', NOW)).toBe('gallery');
  });
});
