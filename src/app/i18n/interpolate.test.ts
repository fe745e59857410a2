import { describe, expect, it } from 'vitest';
import { interpolate, lookup } from './interpolate';

/**
 * The expected strings are what i18next 26 (`escapeValue: false`, the app's former setting)
 * returned for the same template and values, recorded when it was replaced.
 */
describe('interpolate, as i18next did for the forms the catalogues use', () => {
  const note = '{{x}}/{{y}} 字';

  it('fills every placeholder, numbers and booleans written as text', () => {
    expect(interpolate(note, { x: 12, y: 200 })).toBe('12/200 字');
    expect(interpolate(note, { x: true, y: -0.5 })).toBe('true/-0.5 字');
    expect(interpolate('n{{n}}', { n: 3, count: 3 })).toBe('n3');
  });

  it('leaves a placeholder whose value was not given as written', () => {
    expect(interpolate(note, { x: 1 })).toBe('1/{{y}} 字');
    expect(interpolate(note, undefined)).toBe(note);
    expect(interpolate(note, {})).toBe(note);
  });

  it('writes an empty string for a value given as null or undefined', () => {
    expect(interpolate(note, { x: 1, y: undefined })).toBe('1/ 字');
    expect(interpolate(note, { x: null, y: 0 })).toBe('/0 字');
  });

  it('repeats a value, trims the name, and never reads placeholders inside a value', () => {
    expect(interpolate('{{x}} {{x}}', { x: '{{y}}', y: 2 })).toBe('{{y}} {{y}}');
    expect(interpolate('hi {{ x }}', { x: 'z' })).toBe('hi z');
    expect(interpolate('v {{v}}', { v: '<b>' })).toBe('v <b>');
  });

  it('does not read inherited properties as values', () => {
    expect(interpolate('{{toString}}', {})).toBe('{{toString}}');
  });
});

describe('lookup', () => {
  const catalogue = { common: { back: '返回' }, top: '顶' };

  it('finds a dotted key, and nothing for a branch, a missing key or a prototype name', () => {
    expect(lookup(catalogue, 'common.back')).toBe('返回');
    expect(lookup(catalogue, 'top')).toBe('顶');
    expect(lookup(catalogue, 'common')).toBeUndefined();
    expect(lookup(catalogue, 'common.back.more')).toBeUndefined();
    expect(lookup(catalogue, 'common.missing')).toBeUndefined();
    expect(lookup(catalogue, 'constructor')).toBeUndefined();
    expect(lookup(undefined, 'top')).toBeUndefined();
  });

  it("finds a catalogue's own key that holds dots (an audit action's code), as i18next did", () => {
    const audit = { audit: { actions: { 'inspection.received': '收到测评', review: { approved: '通过' } } } };
    expect(lookup(audit, 'audit.actions.inspection.received')).toBe('收到测评');
    expect(lookup(audit, 'audit.actions.review.approved')).toBe('通过');
    expect(lookup(audit, 'audit.actions.inspection')).toBeUndefined();
    expect(lookup(audit, 'audit.actions.inspection.received.more')).toBeUndefined();
  });
});
