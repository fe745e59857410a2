/**
 * A small baseline JPEG encoder (JFIF, YCbCr 4:4:4, the standard tables of ITU T.81 Annex K)
 * and a painter for the demo's evidence photos: a scene in the finding's colour with a burned-in
 * watermark (site code, item, time), like the app stamps its photos. Pure TypeScript, no
 * dependency: the demo must run wherever `npm install` did, with no image library or ImageMagick.
 * Every photo is a real, decodable JPEG whose bytes differ with its watermark, so each has its
 * own SHA-256.
 */

/** An RGB image, 3 bytes per pixel, row by row. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

// ITU T.81 Annex K.1: quantisation tables in natural (row-major) order.
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
  87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_QUANT = [
  17,
  18,
  24,
  47,
  99,
  99,
  99,
  99,
  18,
  21,
  26,
  66,
  99,
  99,
  99,
  99,
  24,
  26,
  56,
  99,
  99,
  99,
  99,
  99,
  47,
  66,
  99,
  99,
  99,
  99,
  99,
  99,
  ...Array<number>(32).fill(99),
];

// ITU T.81 Annex K.3: the typical Huffman tables (code counts per length 1–16, then the symbols).
const DC_LUMA = { counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], symbols: range(12) };
const DC_CHROMA = { counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], symbols: range(12) };
const AC_LUMA = {
  counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  symbols: [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14,
    0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09,
    0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a,
    0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65,
    0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
    0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9,
    0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca,
    0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea,
    0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};
const AC_CHROMA = {
  counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  symbols: [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32,
    0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16,
    0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39,
    0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64,
    0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86,
    0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8,
    0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9,
    0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};

interface HuffmanSpec {
  counts: number[];
  symbols: number[];
}
/** Codes and lengths indexed by symbol (0–255). */
interface HuffmanCodes {
  code: Uint16Array;
  length: Uint8Array;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Canonical Huffman codes from the counts per length (T.81 Annex C). */
function buildCodes(spec: HuffmanSpec): HuffmanCodes {
  const codes: HuffmanCodes = { code: new Uint16Array(256), length: new Uint8Array(256) };
  let code = 0;
  let k = 0;
  spec.counts.forEach((count, index) => {
    for (let i = 0; i < count; i++) {
      const symbol = spec.symbols[k++]!;
      codes.code[symbol] = code++;
      codes.length[symbol] = index + 1;
    }
    code <<= 1;
  });
  if (k !== spec.symbols.length) throw new Error('Huffman table: counts and symbols disagree');
  return codes;
}

/** ZIGZAG[i] = natural index of the i-th coefficient in zig-zag order. */
const ZIGZAG: number[] = (() => {
  const order: number[] = [];
  for (let sum = 0; sum < 15; sum++) {
    const cells: number[] = [];
    for (let row = 0; row < 8; row++) {
      const col = sum - row;
      if (col >= 0 && col < 8) cells.push(row * 8 + col);
    }
    // Even diagonals run bottom-left to top-right (row decreasing), odd ones the other way.
    order.push(...(sum % 2 === 0 ? cells.reverse() : cells));
  }
  return order;
})();

function scaledQuant(base: number[], quality: number): number[] {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? 5000 / q : 200 - q * 2;
  return base.map((value) => Math.min(255, Math.max(1, Math.floor((value * scale + 50) / 100))));
}

// cos((2x + 1) u π / 16) with the DCT's normalisation folded in.
const COS = Float64Array.from(range(64), (i) => {
  const x = i >> 3;
  const u = i & 7;
  return Math.cos(((2 * x + 1) * u * Math.PI) / 16) * (u === 0 ? Math.SQRT1_2 : 1) * 0.5;
});

/** 2-D forward DCT of an 8×8 block (separable, rows then columns) into `out`. */
function forwardDct(block: Float64Array, rows: Float64Array, out: Float64Array): void {
  for (let y = 0; y < 8; y++)
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let x = 0; x < 8; x++) sum += block[y * 8 + x]! * COS[x * 8 + u]!;
      rows[y * 8 + u] = sum;
    }
  for (let u = 0; u < 8; u++)
    for (let v = 0; v < 8; v++) {
      let sum = 0;
      for (let y = 0; y < 8; y++) sum += rows[y * 8 + u]! * COS[y * 8 + v]!;
      out[v * 8 + u] = sum;
    }
}

class BitWriter {
  private readonly bytes: number[] = [];
  private buffer = 0;
  private count = 0;

  /** Appends the low `length` bits of `code` (length ≤ 16), most significant first. */
  write(code: number, length: number): void {
    this.buffer = (this.buffer << length) | (code & ((1 << length) - 1));
    this.count += length;
    while (this.count >= 8) {
      this.count -= 8;
      const byte = (this.buffer >> this.count) & 0xff;
      this.bytes.push(byte);
      if (byte === 0xff) this.bytes.push(0x00); // byte stuffing
    }
    this.buffer &= (1 << this.count) - 1;
  }

  /** Pads the last byte with 1-bits (T.81 F.1.2.3). */
  finish(): number[] {
    if (this.count > 0) this.write((1 << (8 - this.count)) - 1, 8 - this.count);
    return this.bytes;
  }
}

function bitLength(value: number): number {
  let magnitude = Math.abs(value);
  let length = 0;
  while (magnitude > 0) {
    length++;
    magnitude >>= 1;
  }
  return length;
}

function segment(marker: number, payload: number[]): number[] {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...payload];
}

function huffmanSegmentPayload(tableClass: number, id: number, spec: HuffmanSpec): number[] {
  return [(tableClass << 4) | id, ...spec.counts, ...spec.symbols];
}

/**
 * The image at half its width and height (each pixel the mean of a 2 × 2 block): the demo's
 * thumbnails, as the app makes a small copy of every photo for the office to draw.
 */
export function halve(image: RgbImage): RgbImage {
  const width = Math.max(1, Math.floor(image.width / 2));
  const height = Math.max(1, Math.floor(image.height / 2));
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let channel = 0; channel < 3; channel++) {
        let sum = 0;
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const) {
          const sx = Math.min(image.width - 1, 2 * x + dx);
          const sy = Math.min(image.height - 1, 2 * y + dy);
          sum += image.data[(sy * image.width + sx) * 3 + channel]!;
        }
        data[(y * width + x) * 3 + channel] = Math.round(sum / 4);
      }
    }
  }
  return { width, height, data };
}

/** Encodes an RGB image as a baseline JFIF JPEG. `comment` goes into a COM segment (UTF-8). */
export function encodeJpeg(image: RgbImage, options: { quality?: number; comment?: string } = {}): Buffer {
  const { width, height, data } = image;
  if (data.length !== width * height * 3) throw new Error('image data does not match its size');
  const quality = options.quality ?? 75;
  const quant = [scaledQuant(LUMA_QUANT, quality), scaledQuant(CHROMA_QUANT, quality)] as const;
  const dc = [buildCodes(DC_LUMA), buildCodes(DC_CHROMA)] as const;
  const ac = [buildCodes(AC_LUMA), buildCodes(AC_CHROMA)] as const;

  const header: number[] = [0xff, 0xd8];
  header.push(...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  if (options.comment) header.push(...segment(0xfe, [...Buffer.from(options.comment, 'utf8')]));
  header.push(...segment(0xdb, [0x00, ...ZIGZAG.map((i) => quant[0][i]!), 0x01, ...ZIGZAG.map((i) => quant[1][i]!)]));
  header.push(
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]),
  );
  header.push(
    ...segment(0xc4, [
      ...huffmanSegmentPayload(0, 0, DC_LUMA),
      ...huffmanSegmentPayload(1, 0, AC_LUMA),
      ...huffmanSegmentPayload(0, 1, DC_CHROMA),
      ...huffmanSegmentPayload(1, 1, AC_CHROMA),
    ]),
  );
  header.push(...segment(0xda, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]));

  // Colour conversion once per pixel (JFIF YCbCr), level-shifted by −128.
  const planes = [0, 1, 2].map(() => new Float32Array(width * height));
  for (let i = 0, at = 0; i < width * height; i++, at += 3) {
    const r = data[at]!;
    const g = data[at + 1]!;
    const b = data[at + 2]!;
    planes[0]![i] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
    planes[1]![i] = -0.168736 * r - 0.331264 * g + 0.5 * b;
    planes[2]![i] = 0.5 * r - 0.418688 * g - 0.081312 * b;
  }
  const bits = new BitWriter();
  const previousDc = [0, 0, 0];
  const block = new Float64Array(64);
  const rows = new Float64Array(64);
  const coefficients = new Float64Array(64);
  const zz = new Int32Array(64);
  const put = (codes: HuffmanCodes, symbol: number) => bits.write(codes.code[symbol]!, codes.length[symbol]!);
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let component = 0; component < 3; component++) {
        const plane = planes[component]!;
        for (let y = 0; y < 8; y++) {
          // Edge blocks repeat the last row and column.
          const row = Math.min(by + y, height - 1) * width;
          for (let x = 0; x < 8; x++) block[y * 8 + x] = plane[row + Math.min(bx + x, width - 1)]!;
        }
        const table = component === 0 ? 0 : 1;
        forwardDct(block, rows, coefficients);
        const divisors = quant[table];
        for (let k = 0; k < 64; k++) zz[k] = Math.round(coefficients[ZIGZAG[k]!]! / divisors[ZIGZAG[k]!]!);
        // DC: the difference to the previous block's DC of this component.
        const diff = zz[0]! - previousDc[component]!;
        previousDc[component] = zz[0]!;
        const dcSize = bitLength(diff);
        put(dc[table], dcSize);
        if (dcSize > 0) bits.write(diff < 0 ? diff + (1 << dcSize) - 1 : diff, dcSize);
        // AC: (run of zeros, size) symbols, ZRL for 16 zeros, EOB after the last non-zero.
        let run = 0;
        for (let k = 1; k < 64; k++) {
          const coefficient = zz[k]!;
          if (coefficient === 0) {
            run++;
            continue;
          }
          while (run > 15) {
            put(ac[table], 0xf0);
            run -= 16;
          }
          const size = bitLength(coefficient);
          put(ac[table], (run << 4) | size);
          bits.write(coefficient < 0 ? coefficient + (1 << size) - 1 : coefficient, size);
          run = 0;
        }
        if (run > 0) put(ac[table], 0x00);
      }
    }
  }
  return Buffer.from([...header, ...bits.finish(), 0xff, 0xd9]);
}

// A 5×7 bitmap font for the watermark: digits, capitals and a few signs.
const FONT: Record<string, string> = {
  '0': '01110 10001 10011 10101 11001 10001 01110',
  '1': '00100 01100 00100 00100 00100 00100 01110',
  '2': '01110 10001 00001 00010 00100 01000 11111',
  '3': '11110 00001 00001 01110 00001 00001 11110',
  '4': '00010 00110 01010 10010 11111 00010 00010',
  '5': '11111 10000 11110 00001 00001 10001 01110',
  '6': '00110 01000 10000 11110 10001 10001 01110',
  '7': '11111 00001 00010 00100 01000 01000 01000',
  '8': '01110 10001 10001 01110 10001 10001 01110',
  '9': '01110 10001 10001 01111 00001 00010 01100',
  A: '01110 10001 10001 11111 10001 10001 10001',
  B: '11110 10001 10001 11110 10001 10001 11110',
  C: '01110 10001 10000 10000 10000 10001 01110',
  D: '11110 10001 10001 10001 10001 10001 11110',
  E: '11111 10000 10000 11110 10000 10000 11111',
  F: '11111 10000 10000 11110 10000 10000 10000',
  G: '01110 10001 10000 10111 10001 10001 01111',
  H: '10001 10001 10001 11111 10001 10001 10001',
  I: '01110 00100 00100 00100 00100 00100 01110',
  J: '00111 00010 00010 00010 00010 10010 01100',
  K: '10001 10010 10100 11000 10100 10010 10001',
  L: '10000 10000 10000 10000 10000 10000 11111',
  M: '10001 11011 10101 10101 10001 10001 10001',
  N: '10001 10001 11001 10101 10011 10001 10001',
  O: '01110 10001 10001 10001 10001 10001 01110',
  P: '11110 10001 10001 11110 10000 10000 10000',
  Q: '01110 10001 10001 10001 10101 10010 01101',
  R: '11110 10001 10001 11110 10100 10010 10001',
  S: '01111 10000 10000 01110 00001 00001 11110',
  T: '11111 00100 00100 00100 00100 00100 00100',
  U: '10001 10001 10001 10001 10001 10001 01110',
  V: '10001 10001 10001 10001 10001 01010 00100',
  W: '10001 10001 10001 10101 10101 10101 01010',
  X: '10001 10001 01010 00100 01010 10001 10001',
  Y: '10001 10001 01010 00100 00100 00100 00100',
  Z: '11111 00001 00010 00100 01000 10000 11111',
  '-': '00000 00000 00000 11111 00000 00000 00000',
  ':': '00000 01100 01100 00000 01100 01100 00000',
  '.': '00000 00000 00000 00000 00000 01100 01100',
  '/': '00001 00010 00010 00100 01000 01000 10000',
  '#': '01010 01010 11111 01010 11111 01010 01010',
  ' ': '00000 00000 00000 00000 00000 00000 00000',
};

type Rgb = readonly [number, number, number];

/** A tiny deterministic PRNG (mulberry32) so the same seed paints the same photo. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text: string): number {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.codePointAt(0)!, 16777619);
  return hash >>> 0;
}

export interface EvidencePhoto {
  /** Watermark lines, upper-case ASCII (site code, item, time). */
  lines: string[];
  /** Main colour of the scene (e.g. by the finding's category). */
  tint: Rgb;
  /** Seeds the scene's layout. */
  seed: string;
  width?: number;
  height?: number;
}

/**
 * Paints a plausible "evidence photo": a lit wall with a floor, a few boards or posters (some
 * askew or torn), shot at a slight angle, plus a dark watermark band with the given lines.
 */
export function paintEvidencePhoto(photo: EvidencePhoto): RgbImage {
  const width = photo.width ?? 320;
  const height = photo.height ?? 240;
  const data = new Uint8Array(width * height * 3);
  const random = prng(seedOf(photo.seed));
  const set = (x: number, y: number, [r, g, b]: Rgb) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const at = (y * width + x) * 3;
    data[at] = r;
    data[at + 1] = g;
    data[at + 2] = b;
  };
  const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
  ];

  const wall: Rgb = mix([236, 230, 214], photo.tint, 0.15);
  const floor: Rgb = [150, 128, 104];
  const horizon = Math.round(height * (0.68 + random() * 0.1));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = 0.85 + 0.15 * Math.cos(((x / width - 0.4) * Math.PI) / 1.2);
      const base = y < horizon ? wall : mix(floor, [90, 76, 62], (y - horizon) / (height - horizon));
      const noise = (random() - 0.5) * 10;
      set(x, y, [clamp(base[0] * light + noise), clamp(base[1] * light + noise), clamp(base[2] * light + noise)]);
    }
  }
  // Boards and posters on the wall: the tint dominates, one may hang askew or be torn.
  const boards = 2 + Math.floor(random() * 3);
  for (let i = 0; i < boards; i++) {
    const w = Math.round(width * (0.14 + random() * 0.16));
    const h = Math.round(height * (0.18 + random() * 0.2));
    const x0 = Math.round((width / boards) * i + random() * (width / boards - w));
    const y0 = Math.round(height * 0.1 + random() * (horizon - h - height * 0.15));
    const colour: Rgb = i === 0 ? photo.tint : mix(photo.tint, [255, 255, 255], 0.3 + random() * 0.4);
    const skew = random() < 0.4 ? (random() - 0.5) * 0.3 : 0;
    const torn = random() < 0.35;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (torn && x + y > w + h * 0.6 && random() < 0.9) continue;
        const px = x0 + x + Math.round(y * skew);
        const stripe = y % 9 < 2 && x > w * 0.1 && x < w * 0.9 ? 0.75 : 1;
        set(px, y0 + y, [clamp(colour[0] * stripe), clamp(colour[1] * stripe), clamp(colour[2] * stripe)]);
      }
    }
  }
  // Watermark band at the bottom, as the app burns into its photos.
  const scale = 2;
  const lineHeight = 8 * scale;
  const bandTop = height - lineHeight * photo.lines.length - 6;
  for (let y = bandTop; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      set(x, y, [data[at]! >> 2, data[at + 1]! >> 2, data[at + 2]! >> 2]);
    }
  }
  photo.lines.forEach((line, row) => {
    [...line.toUpperCase()].forEach((char, column) => {
      const rows = (FONT[char] ?? FONT['#']!).split(' ');
      rows.forEach((bitsOfRow, gy) => {
        [...bitsOfRow].forEach((bit, gx) => {
          if (bit !== '1') return;
          for (let sy = 0; sy < scale; sy++)
            for (let sx = 0; sx < scale; sx++)
              set(
                4 + (column * 6 + gx) * scale + sx,
                bandTop + 3 + row * lineHeight + gy * scale + sy,
                [255, 255, 255],
              );
        });
      });
    });
  });
  return { width, height, data };
}

function clamp(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}
