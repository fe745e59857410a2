/** The committed icons (scripts/make-icons.mjs) are valid PNGs of the sizes the manifest claims. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function crc32(buffer: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buffer) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function readPng(file: string) {
  const png = readFileSync(join(root, file));
  expect(png.subarray(0, 8).equals(SIGNATURE)).toBe(true);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let offset = 8; offset < png.length;) {
    const length = png.readUInt32BE(offset);
    const typeAndData = png.subarray(offset + 4, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(typeAndData));
    chunks.push({ type: typeAndData.subarray(0, 4).toString('ascii'), data: typeAndData.subarray(4) });
    offset += 12 + length;
  }
  const ihdr = chunks[0];
  if (ihdr?.type !== 'IHDR') throw new Error(`${file}: first chunk is not IHDR`);
  expect(chunks.at(-1)?.type).toBe('IEND');
  const width = ihdr.data.readUInt32BE(0);
  const height = ihdr.data.readUInt32BE(4);
  const pixels = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  return { width, height, bitDepth: ihdr.data[8], colourType: ihdr.data[9], pixels };
}

describe('app icons', () => {
  it.each([
    ['public/icons/icon-192.png', 192],
    ['public/icons/icon-512.png', 512],
    ['public/icons/icon-maskable-512.png', 512],
    ['public/icons/apple-touch-icon-180.png', 180],
  ])('%s is a valid %i×%i RGBA PNG', (file, size) => {
    const png = readPng(file);
    expect([png.width, png.height, png.bitDepth, png.colourType]).toEqual([size, size, 8, 6]);
    expect(png.pixels.length).toBe(size * (size * 4 + 1));
  });

  it('the maskable icon is opaque to the edges', () => {
    const { pixels } = readPng('public/icons/icon-maskable-512.png');
    expect(pixels[1 + 3]).toBe(255); // alpha of the top-left pixel (after the row's filter byte)
  });
});
