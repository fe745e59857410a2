/**
 * The photo's own capture time: EXIF DateTimeOriginal (with OffsetTimeOriginal when the camera
 * wrote one) read from a JPEG's APP1 segment, as an ISO instant. Proof of presence compares it
 * with the watermark's time and the round's dates: a picture from last month chosen today keeps
 * last month's EXIF time. Reads only the first 128 KiB (where APP1 lives) and never throws: a
 * file without EXIF, or with a damaged one, simply has no time.
 */

const SOI = 0xffd8;
const APP1 = 0xffe1;
const TAG_EXIF_IFD = 0x8769;
const TAG_DATE_TIME_ORIGINAL = 0x9003;
const TAG_OFFSET_TIME_ORIGINAL = 0x9011;
const ASCII = 2;

/**
 * @param deviceOffsetMinutes the device's UTC offset at that time, east positive (Shanghai: 480),
 *   used when the camera wrote no offset: a phone's camera writes its own wall-clock time.
 */
export function exifCaptureTime(bytes: ArrayBuffer, deviceOffsetMinutes: number): string | undefined {
  try {
    const view = new DataView(bytes, 0, Math.min(bytes.byteLength, 128 * 1024));
    const tiff = findExifTiff(view);
    if (tiff === undefined) return undefined;
    const little = view.getUint16(tiff) === 0x4949;
    const u16 = (at: number) => view.getUint16(at, little);
    const u32 = (at: number) => view.getUint32(at, little);
    const ifd0 = tiff + u32(tiff + 4);
    const exifIfd = entryValue(view, tiff, ifd0, TAG_EXIF_IFD, u16, u32);
    if (exifIfd === undefined) return undefined;
    const exifAt = tiff + exifIfd;
    const original = asciiEntry(view, tiff, exifAt, TAG_DATE_TIME_ORIGINAL, u16, u32);
    if (!original) return undefined;
    const offset = asciiEntry(view, tiff, exifAt, TAG_OFFSET_TIME_ORIGINAL, u16, u32);
    return toInstant(original, offset, deviceOffsetMinutes);
  } catch {
    return undefined; // a truncated or damaged EXIF block: no time rather than a failed photo
  }
}

/** The offset of the TIFF header inside the APP1 "Exif\0\0" segment, if any. */
function findExifTiff(view: DataView): number | undefined {
  if (view.byteLength < 4 || view.getUint16(0) !== SOI) return undefined;
  let at = 2;
  while (at + 4 <= view.byteLength) {
    const marker = view.getUint16(at);
    if ((marker & 0xff00) !== 0xff00) return undefined;
    const length = view.getUint16(at + 2);
    if (marker === APP1 && at + 10 <= view.byteLength && view.getUint32(at + 4) === 0x45786966) return at + 10;
    if (marker === 0xffda) return undefined; // image data: no EXIF before it
    at += 2 + length;
  }
  return undefined;
}

type Reader = (at: number) => number;

function findEntry(view: DataView, ifd: number, tag: number, u16: Reader): number | undefined {
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > view.byteLength) return undefined;
    if (u16(entry) === tag) return entry;
  }
  return undefined;
}

function entryValue(view: DataView, _tiff: number, ifd: number, tag: number, u16: Reader, u32: Reader) {
  const entry = findEntry(view, ifd, tag, u16);
  return entry === undefined ? undefined : u32(entry + 8);
}

function asciiEntry(view: DataView, tiff: number, ifd: number, tag: number, u16: Reader, u32: Reader) {
  const entry = findEntry(view, ifd, tag, u16);
  if (entry === undefined || u16(entry + 2) !== ASCII) return undefined;
  const length = u32(entry + 4);
  const start = length <= 4 ? entry + 8 : tiff + u32(entry + 8);
  if (start + length > view.byteLength) return undefined;
  let text = '';
  for (let i = 0; i < length; i++) {
    const code = view.getUint8(start + i);
    if (code === 0) break;
    text += String.fromCharCode(code);
  }
  return text;
}

/** `2026:12:07 10:15:30` (+ `+08:00`) → ISO instant; undefined for zeros or nonsense. */
function toInstant(original: string, offset: string | undefined, deviceOffsetMinutes: number): string | undefined {
  const match = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(original);
  if (!match) return undefined;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = match.slice(1).map(Number);
  // Before 1970 or after 2998 is no time a photo was taken (and the wire refuses such instants).
  if (!mo || !d || !y || y < 1970 || y > 2998) return undefined;
  const wallClock = Date.UTC(y, mo - 1, d, h, mi, s);
  const written = offset && /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  const offsetMinutes = written
    ? (written[1] === '-' ? -1 : 1) * (Number(written[2]) * 60 + Number(written[3]))
    : deviceOffsetMinutes;
  const instant = new Date(wallClock - offsetMinutes * 60_000);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
}
