import { describe, expect, it } from 'vitest';
import { browserAddress, consoleProxyHeaders } from '../../server/utils/client-address';
import { createRefreshDeduper } from '../../server/utils/refresh-dedup';

describe('the browser address the console passes to the API', () => {
  it('is the socket peer when no proxy of ours stands in front: a client X-Forwarded-For is ignored', () => {
    expect(browserAddress(undefined, '203.0.113.7')).toBe('203.0.113.7');
    expect(browserAddress('198.51.100.1, 10.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    expect(browserAddress('198.51.100.1', '::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(browserAddress(undefined, '2001:db8::1')).toBe('2001:db8::1');
  });

  it('believes exactly as many X-Forwarded-For entries as proxies of ours are configured', () => {
    // Browser 203.0.113.7 → our proxy 10.0.0.2 → console: the proxy appended the browser.
    expect(browserAddress('203.0.113.7', '10.0.0.2', 1)).toBe('203.0.113.7');
    // The browser prepended a lie: the entry our proxy added is still the one taken.
    expect(browserAddress('1.2.3.4, 203.0.113.7', '10.0.0.2', 1)).toBe('203.0.113.7');
    expect(browserAddress('1.2.3.4, 203.0.113.7, 10.0.0.3', '10.0.0.2', 2)).toBe('203.0.113.7');
    // Fewer entries than hops, or garbage: no address (the API counts the console's own).
    expect(browserAddress(undefined, '10.0.0.2', 1)).toBeUndefined();
    expect(browserAddress('not-an-ip', '10.0.0.2', 1)).toBeUndefined();
  });

  it('takes the browser peer that server-side rendering appended for its in-process calls, and nothing without a peer', () => {
    expect(browserAddress('1.2.3.4, 203.0.113.7', undefined, 0, true)).toBe('203.0.113.7');
    expect(browserAddress(undefined, undefined, 0, true)).toBeUndefined();
    // A request from outside whose socket is gone: its X-Forwarded-For is not taken instead.
    expect(browserAddress('1.2.3.4', undefined)).toBeUndefined();
  });

  it('sends the address with the shared secret, and nothing without a secret or an address', () => {
    expect(consoleProxyHeaders('203.0.113.7', 's'.repeat(40))).toEqual({
      'x-console-client-ip': '203.0.113.7',
      'x-console-secret': 's'.repeat(40),
    });
    expect(consoleProxyHeaders('203.0.113.7', '')).toEqual({});
    expect(consoleProxyHeaders(undefined, 's'.repeat(40))).toEqual({});
  });

  it('refreshes with the headers of the request that started the refresh', async () => {
    const seen: unknown[] = [];
    const once = createRefreshDeduper(async (token: string, headers: Record<string, string>) => {
      seen.push([token, headers]);
      return token;
    });
    await Promise.all([once('t1', { 'x-console-client-ip': '203.0.113.7' }), once('t1', { 'x-console-client-ip': '203.0.113.8' })]);
    expect(seen).toEqual([['t1', { 'x-console-client-ip': '203.0.113.7' }]]);
  });
});
