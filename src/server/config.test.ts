// Reading the environment: defaults, and each bad value stopping the start with a message that
// names the variable — PUBLIC_URL and TRUST_PROXY included, which decide what links and client
// addresses the server believes; and the address the start-up messages print.
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, serverUrl } from './config';

describe('readConfig', () => {
  it('defaults: port 8080 on 127.0.0.1, no public address, no proxy believed', () => {
    expect(readConfig({})).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: undefined,
      trustProxy: false,
      databaseUrl: undefined,
    });
  });

  it.each([
    ['https://civic.example.cn', 'https://civic.example.cn'],
    ['https://civic.example.cn/', 'https://civic.example.cn'],
    ['http://10.0.0.5:8080/civic/', 'http://10.0.0.5:8080/civic'],
  ])('PUBLIC_URL %s → %s', (value, expected) => {
    expect(readConfig({ PUBLIC_URL: value }).publicUrl).toBe(expected);
  });

  it.each([
    'civic.example.cn',
    'ftp://civic.example.cn',
    'https://civic.example.cn/?x=1',
    'https://u:p@civic.example.cn',
  ])('refuses PUBLIC_URL=%s, naming the variable', (value) => {
    expect(() => readConfig({ PUBLIC_URL: value })).toThrow(ConfigError);
    expect(() => readConfig({ PUBLIC_URL: value })).toThrow(/PUBLIC_URL/);
  });

  it.each([
    ['', false],
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['127.0.0.1, 10.0.0.0/8', ['127.0.0.1', '10.0.0.0/8']],
    ['::1', ['::1']],
  ] as const)('TRUST_PROXY=%s → %j', (value, expected) => {
    expect(readConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each(['true', 'yes', 'evil.example', '10.0.0.0/8; rm'])(
    'refuses TRUST_PROXY=%s (trusting everyone would let any client claim any address)',
    (value) => {
      expect(() => readConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
    },
  );
});

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

describe('TLS and metrics settings', () => {
  it('TLS_CERT and TLS_KEY come together, as readable files', () => {
    expect(readConfig({}).tls).toBeUndefined();
    expect(() => readConfig({ TLS_CERT: '/etc/hostname' })).toThrow(/TLS_CERT 和 TLS_KEY/);
    expect(() => readConfig({ TLS_CERT: '/nonexistent/cert.pem', TLS_KEY: '/etc/hostname' })).toThrow(/TLS_CERT=/);
    expect(readConfig({ TLS_CERT: '/etc/hostname', TLS_KEY: '/etc/hostname' }).tls?.cert).toBeInstanceOf(Buffer);
    expect(serverUrl({ host: '127.0.0.1', port: 8443, tls: {} })).toBe('https://127.0.0.1:8443/');
  });

  it('METRICS_TOKEN needs 16 characters; METRICS_ALLOW is a list of addresses', () => {
    expect(readConfig({}).metrics).toEqual({});
    expect(() => readConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(readConfig({ METRICS_TOKEN: 'a-long-enough-token', METRICS_ALLOW: '10.0.0.5, 10.0.0.6' }).metrics).toEqual({
      token: 'a-long-enough-token',
      allow: ['10.0.0.5', '10.0.0.6'],
    });
  });
});

describe('PHOTO_STORE', () => {
  it('defaults to disk with SQLite and to the database with PostgreSQL', () => {
    expect(readConfig({})).toMatchObject({ photoStore: 'disk', photoStoreDefaulted: true });
    expect(readConfig({ DATABASE_URL: 'postgres://x/y' })).toMatchObject({
      photoStore: 'database',
      photoStoreDefaulted: true,
    });
    expect(readConfig({ DATABASE_URL: 'postgres://x/y', PHOTO_STORE: 'disk' })).toMatchObject({
      photoStore: 'disk',
      photoStoreDefaulted: false,
    });
    expect(() => readConfig({ PHOTO_STORE: 'ftp://somewhere' })).toThrow(/PHOTO_STORE/);
  });

  it('takes an S3 bucket and prefix, its endpoint, region and addressing from the environment', () => {
    expect(readConfig({ PHOTO_STORE: 's3://city-photos/civic/2026' })).toMatchObject({
      photoStore: 's3',
      photoStoreDefaulted: false,
      s3: { bucket: 'city-photos', prefix: 'civic/2026/', region: 'us-east-1', forcePathStyle: false },
    });
    const minio = readConfig({
      PHOTO_STORE: 's3://city-photos',
      S3_ENDPOINT: 'http://10.0.0.9:9000',
      AWS_REGION: 'cn-north-1',
    });
    expect(minio.s3).toEqual({
      bucket: 'city-photos',
      prefix: '',
      endpoint: 'http://10.0.0.9:9000',
      region: 'cn-north-1',
      forcePathStyle: true,
    });
    expect(
      readConfig({ PHOTO_STORE: 's3://city-photos', S3_ENDPOINT: 'https://oss.example.cn', S3_FORCE_PATH_STYLE: '0' })
        .s3?.forcePathStyle,
    ).toBe(false);
    expect(() => readConfig({ PHOTO_STORE: 's3://Bad_Bucket/x' })).toThrow(/PHOTO_STORE/);
    expect(() => readConfig({ PHOTO_STORE: 's3://' })).toThrow(/PHOTO_STORE/);
    expect(() => readConfig({ PHOTO_STORE: 's3://city-photos', S3_ENDPOINT: 'minio:9000' })).toThrow(/S3_ENDPOINT/);
  });
});
