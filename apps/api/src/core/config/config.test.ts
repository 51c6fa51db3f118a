import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('has safe local defaults', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/water');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.API_PORT).toBe(3001);
  });
  it('stops with a message naming the bad variable', () => {
    expect(() => loadConfig({ API_PORT: 'seventy' })).toThrow(/API_PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(ConfigError);
  });
  it('refuses production without a signing secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_ACCESS_SECRET/);
    expect(
      loadConfig({
        NODE_ENV: 'production',
        JWT_ACCESS_SECRET: 'k7Gq2Xv9Lm4Tz8Rb1Wn6Yc3Hd5Fs0Pa2',
        SECRETS_KEY: 'Mn4Bv7Cx1Zl8Kj5Hg2Fd9Sa3Qw6Er0Ty',
      }).JWT_ACCESS_SECRET,
    ).toHaveLength(32);
  });
  it('refuses in production a published default, a short or a low-variety signing secret, naming the variable', () => {
    const strong = 'p9Vx2LkQ7rT4mZ8wB1nC6yH3jF5dS0aG';
    const keys = 'Mn4Bv7Cx1Zl8Kj5Hg2Fd9Sa3Qw6Er0Ty';
    const prod = (env: Record<string, string>) =>
      loadConfig({ NODE_ENV: 'production', JWT_ACCESS_SECRET: strong, SECRETS_KEY: keys, ...env });
    // docker-compose.yml and .env.example shipped this value: it is public.
    expect(() => prod({ JWT_ACCESS_SECRET: 'dev-only-insecure-jwt-secret-change-me-0123456789' })).toThrow(/JWT_ACCESS_SECRET/);
    expect(() => prod({ JWT_ACCESS_SECRET: 'development-only-secret-change-me-0123456789' })).toThrow(/JWT_ACCESS_SECRET/);
    expect(() => prod({ JWT_ACCESS_SECRET: 'short-secret' })).toThrow(/JWT_ACCESS_SECRET/);
    expect(() => prod({ JWT_ACCESS_SECRET: 'x'.repeat(48) })).toThrow(/JWT_ACCESS_SECRET/);
    expect(() => prod({ CONSOLE_PROXY_SECRET: 'too-short' })).toThrow(/CONSOLE_PROXY_SECRET/);
    expect(() => prod({ CONSOLE_PROXY_SECRET: strong })).toThrow(/CONSOLE_PROXY_SECRET/);
    expect(prod({ CONSOLE_PROXY_SECRET: 'Zq1Wx2Ec3Rv4Tb5Yn6Um7Ik8Ol9Pa0Sd' }).JWT_ACCESS_SECRET).toBe(strong);
    // Outside production the development default still applies, and a set secret must be long enough.
    expect(loadConfig({}).JWT_ACCESS_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(() => loadConfig({ CONSOLE_PROXY_SECRET: 'short' })).toThrow(/CONSOLE_PROXY_SECRET/);
  });
  it('needs its own key for stored signing secrets in production', () => {
    const base = { NODE_ENV: 'production', JWT_ACCESS_SECRET: 'p9Vx2LkQ7rT4mZ8wB1nC6yH3jF5dS0aG' };
    expect(() => loadConfig(base)).toThrow(/SECRETS_KEY/);
    expect(() => loadConfig({ ...base, SECRETS_KEY: 'development-only-secrets-key-change-me-0123456789' })).toThrow(/SECRETS_KEY/);
    // One key per job: rotating the token-signing key must not make stored secrets unreadable.
    expect(() => loadConfig({ ...base, SECRETS_KEY: base.JWT_ACCESS_SECRET })).toThrow(/SECRETS_KEY/);
    expect(loadConfig({ ...base, SECRETS_KEY: 'Mn4Bv7Cx1Zl8Kj5Hg2Fd9Sa3Qw6Er0Ty' }).SECRETS_KEY).toHaveLength(32);
    expect(loadConfig({}).SECRETS_KEY.length).toBeGreaterThanOrEqual(32);
  });
  it('bounds the live sockets re-validation period', () => {
    expect(loadConfig({}).LIVE_REVALIDATE_SECONDS).toBeGreaterThanOrEqual(1);
    expect(loadConfig({}).LIVE_REVALIDATE_SECONDS).toBeLessThanOrEqual(10);
    expect(() => loadConfig({ LIVE_REVALIDATE_SECONDS: '0' })).toThrow(/LIVE_REVALIDATE_SECONDS/);
  });
});
