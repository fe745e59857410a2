#!/usr/bin/env node
/**
 * Makes the JPEG fixtures of e2e/photos.spec.ts once (they are committed; run again only to
 * change them): `node scripts/make-photo-fixtures.mjs`.
 *
 * The pictures are drawn in Chromium (Debian's, as the tests use) and encoded there as JPEG at
 * quality 0.9, with some seeded noise so they compress like a camera's photo rather than like a
 * drawing. The 12 MP one is stored landscape (4000 × 3000) with an EXIF APP1 segment spliced in
 * after SOI that says Orientation = 6 ("rotate 90° clockwise to display"), as a phone held
 * upright writes it. Marker blocks tell where each stored corner ends up:
 *
 *   stored top-left     red    → displayed top-right   (after the 90° clockwise rotation)
 *   stored bottom-left  blue   → displayed top-left
 *
 * Outputs in e2e/fixtures/photos/: ordinary-640x480.jpg (no EXIF), exif6-4000x3000.jpg,
 * transparent-320x240.png (a blue square on a transparent background), truncated.jpg (the
 * first 200 bytes of a JPEG) and not-a-photo.jpg (text).
 */
/* global document -- drawJpeg runs in the page */
import { chromium } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'e2e', 'fixtures', 'photos');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Marker blocks, in stored pixels, as fractions of the picture (shared with the spec by value). */
const MARKERS = { width: 0.2, height: 0.2 };

/**
 * Draws the picture and returns its JPEG as base64. Runs in the page.
 * @param {{ width: number, height: number, quality: number, label: string, markers: { width: number, height: number } }} spec
 */
async function drawJpeg({ width, height, quality, label, markers }) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));

  // A bright scene (so the watermark band is visibly darker): sky-to-wall gradient, floor tiles.
  const sky = context.createLinearGradient(0, 0, 0, height);
  sky.addColorStop(0, '#cfe3f5');
  sky.addColorStop(0.55, '#f1ead8');
  sky.addColorStop(1, '#e4d2b0');
  context.fillStyle = sky;
  context.fillRect(0, 0, width, height);
  const tile = Math.round(width / 16);
  for (let y = Math.round(height * 0.6); y < height; y += tile)
    for (let x = 0; x < width; x += tile) {
      context.fillStyle = (x / tile + y / tile) % 2 < 1 ? '#e9dcc0' : '#d8c6a2';
      context.fillRect(x, y, tile - 4, tile - 4);
    }
  // A "poster board" in the middle with some writing on it.
  context.fillStyle = '#7a8f6a';
  context.fillRect(width * 0.32, height * 0.18, width * 0.36, height * 0.34);
  context.fillStyle = '#fdfdf5';
  context.font = `${Math.round(height * 0.03)}px sans-serif`;
  context.fillText(label, width * 0.34, height * 0.25, width * 0.32);
  for (let line = 1; line < 5; line += 1)
    context.fillText(`notice line ${line}`, width * 0.34, height * (0.25 + line * 0.055), width * 0.32);

  // Seeded noise in 2 × 2 cells: a camera's grain, so the JPEG is photo-sized.
  const image = context.getImageData(0, 0, width, height);
  let seed = 0x2021_0719;
  const random = () => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return seed / 2 ** 32;
  };
  for (let y = 0; y < height; y += 2)
    for (let x = 0; x < width; x += 2) {
      const grain = (random() - 0.5) * 26;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        if (x + dx >= width || y + dy >= height) continue;
        const index = ((y + dy) * width + x + dx) * 4;
        for (let channel = 0; channel < 3; channel += 1)
          image.data[index + channel] = Math.max(0, Math.min(255, image.data[index + channel] + grain));
      }
    }
  context.putImageData(image, 0, 0);

  // Solid marker blocks (no grain, so their colour is exact enough to test).
  const blockWidth = Math.round(width * markers.width);
  const blockHeight = Math.round(height * markers.height);
  context.fillStyle = 'rgb(220, 20, 20)';
  context.fillRect(0, 0, blockWidth, blockHeight);
  context.fillStyle = 'rgb(20, 40, 220)';
  context.fillRect(0, height - blockHeight, blockWidth, blockHeight);
  context.fillStyle = '#ffffff';
  context.font = `bold ${Math.round(blockHeight * 0.18)}px sans-serif`;
  context.fillText('TOP-LEFT', blockWidth * 0.08, blockHeight * 0.55);
  context.fillText('BOTTOM-LEFT', blockWidth * 0.08, height - blockHeight * 0.45);

  const blob = await new Promise((resolve, reject) =>
    canvas.toBlob((result) => (result ? resolve(result) : reject(new Error('toBlob failed'))), 'image/jpeg', quality),
  );
  const bytes = new Uint8Array(await /** @type {Blob} */ (blob).arrayBuffer());
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(binary);
}

/**
 * An APP1 segment holding a minimal big-endian TIFF with one IFD0 entry: Orientation (0x0112),
 * SHORT, count 1, the given value.
 * @param {number} orientation
 */
function exifOrientationSegment(orientation) {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4); // IFD0 right after the header
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10); // Orientation
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14); // count
  tiff.writeUInt16BE(orientation, 18); // value, left-justified in the 4-byte field
  tiff.writeUInt32BE(0, 22); // no next IFD
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(payload.length + 2, 2); // the length counts itself
  return Buffer.concat([header, payload]);
}

/**
 * The JPEG with the segment inserted right after SOI, where cameras put their EXIF.
 * @param {Buffer} jpeg
 * @param {Buffer} segment
 */
function spliceAfterSoi(jpeg, segment) {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG: no SOI');
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage();
    const render = async (/** @type {number} */ width, /** @type {number} */ height, /** @type {string} */ label) =>
      Buffer.from(await page.evaluate(drawJpeg, { width, height, quality: 0.9, label, markers: MARKERS }), 'base64');

    const ordinary = await render(640, 480, 'ordinary 640x480');
    write('ordinary-640x480.jpg', ordinary);

    const stored = await render(4000, 3000, 'stored 4000x3000, EXIF 6');
    const rotated = spliceAfterSoi(stored, exifOrientationSegment(6));
    if (rotated.length > 4 * 1024 * 1024) throw new Error(`the 12 MP fixture is ${rotated.length} bytes, over 4 MiB`);
    write('exif6-4000x3000.jpg', rotated);

    // A gallery screenshot with a transparent background: must come out white, not black.
    const transparent = await page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 320;
      canvas.height = 240;
      const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
      context.fillStyle = 'rgb(20, 40, 220)';
      context.fillRect(120, 60, 80, 60);
      return canvas.toDataURL('image/png').split(',')[1] ?? '';
    });
    write('transparent-320x240.png', Buffer.from(transparent, 'base64'));

    write('truncated.jpg', ordinary.subarray(0, 200));
    write('not-a-photo.jpg', Buffer.from('这不是照片 — this is a text file named .jpg\n', 'utf8'));
  } finally {
    await browser.close();
  }
}

/**
 * @param {string} name
 * @param {Buffer} bytes
 */
function write(name, bytes) {
  writeFileSync(path.join(OUT, name), bytes);
  console.log(`${path.relative(ROOT, path.join(OUT, name))}: ${bytes.length} bytes`);
}

await main();
