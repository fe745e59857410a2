/** The configuration from the environment, and the address the start-up messages print for it. */
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, serverUrl } from './config';

describe('server configuration', () => {
  it('reads HOST and PORT, with 127.0.0.1:8080 by default', () => {
    expect(readConfig({})).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(readConfig({ HOST: ' 0.0.0.0 ', PORT: '18181' })).toMatchObject({ host: '0.0.0.0', port: 18181 });
    expect(() => readConfig({ PORT: '80a' })).toThrow(ConfigError);
  });

  it('prints the configured address: the host and port set, IPv6 in brackets, loopback for a wildcard', () => {
    expect(serverUrl(readConfig({}))).toBe('http://127.0.0.1:8080/');
    expect(serverUrl(readConfig({ PORT: '18181' }))).toBe('http://127.0.0.1:18181/');
    expect(serverUrl(readConfig({ HOST: '192.168.1.20', PORT: '3000' }))).toBe('http://192.168.1.20:3000/');
    expect(serverUrl(readConfig({ HOST: 'localhost' }))).toBe('http://localhost:8080/');
    expect(serverUrl(readConfig({ HOST: '0.0.0.0', PORT: '18181' }))).toBe('http://127.0.0.1:18181/');
    expect(serverUrl(readConfig({ HOST: '::' }))).toBe('http://[::1]:8080/');
    expect(serverUrl(readConfig({ HOST: 'fe80::1' }))).toBe('http://[fe80::1]:8080/');
  });
});
