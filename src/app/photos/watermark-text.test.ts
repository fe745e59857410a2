import { describe, expect, it } from 'vitest';
import type { PhotoStamp } from './photo-protocol';
import { RECHECK_MARKER, fitText, formatGps, watermarkText } from './watermark-text';

const STAMP: PhotoStamp = {
  siteName: '金水区文化路街道新时代文明实践所',
  itemLabel: 'T18 室内卫生',
  inspectorName: '张晓明',
  takenAt: '2021-07-19T01:30:00.000Z',
  gps: { lat: 34.746_63, lng: 113.625_41, accuracy: 12.4 },
  kind: 'inspection',
};

describe('the watermark GPS', () => {
  it('has four decimals and the accuracy in whole metres', () => {
    expect(formatGps({ lat: 34.746_63, lng: 113.625_41, accuracy: 12.4 })).toBe('34.7466,113.6254 ±12m');
    expect(formatGps({ lat: -33.8688, lng: -70.1, accuracy: 0.6 })).toBe('-33.8688,-70.1000 ±1m');
  });

  it('leaves out an accuracy that is unknown', () => {
    expect(formatGps({ lat: 34.7466, lng: 113.6254, accuracy: Number.NaN })).toBe('34.7466,113.6254');
  });
});

describe('the watermark lines', () => {
  it('are site, item, time with inspector, and GPS, in that order', () => {
    expect(watermarkText(STAMP)).toEqual({
      marker: undefined,
      lines: ['金水区文化路街道新时代文明实践所', 'T18 室内卫生', '2021-07-19 09:30  张晓明', '34.7466,113.6254 ±12m'],
    });
  });

  it('have no GPS line without a usable fix', () => {
    expect(watermarkText({ ...STAMP, gps: undefined }).lines).toHaveLength(3);
    expect(watermarkText({ ...STAMP, gps: { lat: Number.NaN, lng: 113, accuracy: 5 } }).lines).toHaveLength(3);
    expect(watermarkText({ ...STAMP, gps: { lat: 91, lng: 113, accuracy: 5 } }).lines).toHaveLength(3);
  });

  it('mark a recheck photo with 复查', () => {
    expect(RECHECK_MARKER).toBe('复查');
    expect(watermarkText({ ...STAMP, kind: 'recheck' }).marker).toBe('复查');
  });

  it('mark a responsible unit’s photo with 整改, keeping site, item, time, unit and GPS', () => {
    const text = watermarkText({ ...STAMP, kind: 'unit' });
    expect(text.marker).toBe('整改');
    expect(text.lines).toEqual(watermarkText(STAMP).lines);
  });

  it('show only the Shanghai capture time on a resident’s photo: no site, item, inspector or GPS', () => {
    expect(watermarkText({ ...STAMP, kind: 'citizen' })).toEqual({ marker: undefined, lines: ['2021-07-19 09:30'] });
  });

  it('collapse line breaks and runs of spaces, and drop empty lines', () => {
    const { lines } = watermarkText({ ...STAMP, siteName: '  金水区\n文化路  站 ', itemLabel: ' \n ', gps: undefined });
    expect(lines).toEqual(['金水区 文化路 站', '2021-07-19 09:30  张晓明']);
  });
});

describe('fitting a line to the band', () => {
  // One unit per code point: a stand-in for the canvas's measureText.
  const measure = (text: string) => Array.from(text).length;

  it('keeps a line that fits', () => {
    expect(fitText('T18 室内卫生', 8, measure)).toBe('T18 室内卫生');
  });

  it('cuts a line that is too long and ends it with an ellipsis, within the width', () => {
    const fitted = fitText('金水区文化路街道新时代文明实践所', 8, measure);
    expect(fitted).toBe('金水区文化路街…');
    expect(measure(fitted)).toBeLessThanOrEqual(8);
  });

  it('never splits a surrogate pair', () => {
    expect(fitText('𠀀𠀁𠀂𠀃', 3, measure)).toBe('𠀀𠀁…');
  });

  it('gives only the ellipsis when nothing else fits', () => {
    expect(fitText('金水区', 1, measure)).toBe('…');
  });
});
