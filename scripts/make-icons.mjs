#!/usr/bin/env node
/**
 * Draws the app icons without any image library: a red tile with a white check mark,
 * rasterised here with 4×4 supersampling and written as RGBA PNGs with node:zlib.
 *
 *   public/icons/icon-192.png           192×192  purpose "any" (rounded tile, transparent corners)
 *   public/icons/icon-512.png           512×512  purpose "any"
 *   public/icons/icon-maskable-512.png  512×512  purpose "maskable" (full bleed, mark inside the 80 % safe zone)
 *   public/icons/apple-touch-icon-180.png 180×180 iOS home screen (full bleed, iOS rounds the corners)
 *   public/favicon.svg                  the same design as a vector
 *
 * Run `node scripts/make-icons.mjs` after changing the design; the output is committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Theme red (contrast 6.6:1 against white) — keep in sync with vite.config.ts and index.html. */
const RED = [0xb7, 0x1c, 0x1c];
const WHITE = [0xff, 0xff, 0xff];

/** The check mark as a polyline in unit coordinates (0..1), stroked with round caps and joins. */
const CHECK = [
  [0.27, 0.53],
  [0.44, 0.69],
  [0.74, 0.34],
];
const STROKE = 0.1;
const CORNER = 0.18;

/** Distance from point p to segment ab. */
function segmentDistance(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inCheck(x, y, scale) {
  // Scale the mark around the centre so the maskable icon keeps it well inside the safe zone.
  const ux = 0.5 + (x - 0.5) / scale;
  const uy = 0.5 + (y - 0.5) / scale;
  for (let i = 0; i + 1 < CHECK.length; i++) {
    if (segmentDistance(ux, uy, CHECK[i], CHECK[i + 1]) <= STROKE / 2) return true;
  }
  return false;
}

function inRoundedTile(x, y, radius) {
  if (radius === 0) return true;
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return Math.hypot(x - cx, y - cy) <= radius;
}

/** RGBA pixels of the icon at `size`×`size`. */
function render(size, { corner, markScale }) {
  const SS = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let tile = 0;
      let mark = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = (px + (sx + 0.5) / SS) / size;
          const y = (py + (sy + 0.5) / SS) / size;
          if (!inRoundedTile(x, y, corner)) continue;
          tile++;
          if (inCheck(x, y, markScale)) mark++;
        }
      }
      const o = (py * size + px) * 4;
      const m = tile === 0 ? 0 : mark / tile;
      for (let c = 0; c < 3; c++) pixels[o + c] = Math.round(RED[c] * (1 - m) + WHITE[c] * m);
      pixels[o + 3] = Math.round((tile / (SS * SS)) * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** Encodes RGBA pixels as a PNG: 8-bit truecolour with alpha, filter 0 on every row. */
function encodePng(size, pixels) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const rowLength = size * 4;
  const raw = Buffer.alloc((rowLength + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (rowLength + 1)] = 0;
    pixels.copy(raw, y * (rowLength + 1) + 1, y * rowLength, (y + 1) * rowLength);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function hex([r, g, b]) {
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

function faviconSvg() {
  const points = CHECK.map(([x, y]) => `${x * 100} ${y * 100}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
  <rect width="100" height="100" rx="${CORNER * 100}" fill="${hex(RED)}"/>
  <polyline points="${points}" fill="none" stroke="${hex(WHITE)}" stroke-width="${STROKE * 100}" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;
}

const ICONS = [
  { file: 'public/icons/icon-192.png', size: 192, corner: CORNER, markScale: 1 },
  { file: 'public/icons/icon-512.png', size: 512, corner: CORNER, markScale: 1 },
  { file: 'public/icons/icon-maskable-512.png', size: 512, corner: 0, markScale: 0.8 },
  { file: 'public/icons/apple-touch-icon-180.png', size: 180, corner: 0, markScale: 0.9 },
];

for (const { file, size, corner, markScale } of ICONS) {
  const path = join(root, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodePng(size, render(size, { corner, markScale })));
  console.log(`wrote ${file} (${size}×${size})`);
}
writeFileSync(join(root, 'public/favicon.svg'), faviconSvg());
console.log('wrote public/favicon.svg');
