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
    expect(loadConfig({ NODE_ENV: 'production', JWT_ACCESS_SECRET: 'x'.repeat(32) }).JWT_ACCESS_SECRET).toHaveLength(32);
  });
});
