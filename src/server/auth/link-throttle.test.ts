import { describe, expect, it } from 'vitest';
import { LINK_FAILURE_LIMIT, LINK_FAILURE_WINDOW_MS, LinkThrottle, clientKey } from './link-throttle';

const T0 = 1_700_000_000_000;

describe('LinkThrottle', () => {
  it(`makes a client wait after ${LINK_FAILURE_LIMIT} guesses in the window, until the oldest expires`, () => {
    const throttle = new LinkThrottle();
    for (let n = 0; n < LINK_FAILURE_LIMIT; n++) {
      expect(throttle.retryAfterSeconds('203.0.113.7', T0 + n)).toBe(0);
      throttle.fail('203.0.113.7', T0 + n);
    }
    expect(throttle.retryAfterSeconds('203.0.113.7', T0 + 1000)).toBe(LINK_FAILURE_WINDOW_MS / 1000 - 1);
    expect(throttle.retryAfterSeconds('203.0.113.8', T0 + 1000)).toBe(0);
    expect(throttle.retryAfterSeconds('203.0.113.7', T0 + LINK_FAILURE_WINDOW_MS + 1)).toBe(0);
  });

  it('stays bounded under a guess flood spread over many addresses, keeping the latest guessers', () => {
    const throttle = new LinkThrottle(100);
    for (let n = 0; n < 5000; n++) throttle.fail(`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`, T0 + n);
    expect(throttle.size).toBe(100);
    // The latest guessers are still counted; a blocked client is not forgotten by the flood's end.
    for (let n = 0; n < LINK_FAILURE_LIMIT; n++) throttle.fail('198.51.100.1', T0 + 5000 + n);
    for (let n = 5000; n < 5050; n++) throttle.fail(`10.0.${(n >> 8) & 255}.${n & 255}`, T0 + 6000 + n);
    expect(throttle.size).toBe(100);
    expect(throttle.retryAfterSeconds('198.51.100.1', T0 + 12_000)).toBeGreaterThan(0);
  });

  it('drops expired clients first when full', () => {
    const throttle = new LinkThrottle(3);
    throttle.fail('192.0.2.1', T0 - 100);
    throttle.fail('192.0.2.2', T0 - 100);
    for (let n = 0; n < LINK_FAILURE_LIMIT; n++) throttle.fail('192.0.2.3', T0 + n);
    const later = T0 + LINK_FAILURE_WINDOW_MS - 50;
    throttle.fail('192.0.2.4', later); // full: .1 and .2 have expired and go, not the blocked .3
    throttle.fail('192.0.2.5', later);
    expect(throttle.size).toBe(3);
    expect(throttle.retryAfterSeconds('192.0.2.3', later)).toBeGreaterThan(0);
  });

  it('counts an IPv6 /64 as one client', () => {
    const throttle = new LinkThrottle();
    for (let n = 0; n < LINK_FAILURE_LIMIT; n++) throttle.fail(`2001:db8:1:2::${(n + 1).toString(16)}`, T0 + n);
    expect(throttle.retryAfterSeconds('2001:db8:1:2:ffff:1:2:3', T0 + 100)).toBeGreaterThan(0);
    expect(throttle.retryAfterSeconds('2001:db8:1:3::1', T0 + 100)).toBe(0);
    expect(throttle.size).toBe(1);
  });
});

describe('clientKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6 and reduces IPv6 to its /64', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:0db8:0001:0002:0000:0000:0000:0001')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
