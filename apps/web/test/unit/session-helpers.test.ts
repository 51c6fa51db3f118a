import { afterEach, describe, expect, it, vi } from 'vitest';
import { detailField, parseRetryAfter, toApiFailure } from '~/lib/api-error';
import { CookieJar, setCookieLines } from '~/lib/cookie-jar';
import { looksLikeEmail } from '~/lib/email-shape';
import { safeRedirect } from '~/lib/redirect';
import { createRefreshDeduper } from '../../server/utils/refresh-dedup';

describe('safeRedirect', () => {
  it('keeps in-app paths with their query', () => {
    expect(safeRedirect('/meters?status=ACTIVE')).toBe('/meters?status=ACTIVE');
  });

  it.each([undefined, '', 'https://evil.example', '//evil.example', '/\\evil.example', '/login', '/login?redirect=/'])(
    'falls back to / for %s',
    (value) => {
      expect(safeRedirect(value)).toBe('/');
    },
  );
});

describe('api failures', () => {
  it('reads status, error body and Retry-After from a fetch error', () => {
    const failure = toApiFailure({
      data: { statusCode: 429, error: 'Too Many Requests', message: 'Slow down' },
      response: { status: 429, headers: new Headers({ 'retry-after': '42' }) },
    });
    expect(failure).toEqual({
      status: 429,
      body: { statusCode: 429, error: 'Too Many Requests', message: 'Slow down' },
      retryAfterSeconds: 42,
    });
  });

  it('understands Retry-After as an HTTP date', () => {
    const now = Date.parse('2025-12-08T07:18:55Z');
    expect(parseRetryAfter('Mon, 08 Dec 2025 07:19:55 GMT', now)).toBe(60);
    expect(parseRetryAfter('soon', now)).toBeNull();
  });

  it('names the field of an error detail, whether its path is an array or a dotted string', () => {
    expect(detailField(['memberships', 0, 'tenantId'])).toBe('tenantId');
    expect(detailField(['email'])).toBe('email');
    expect(detailField('body.password')).toBe('password');
  });

  it('reports status 0 for a network failure', () => {
    expect(toApiFailure(new TypeError('fetch failed')).status).toBe(0);
  });
});

describe('CookieJar', () => {
  it('takes in rotated cookies and drops deleted ones', () => {
    const jar = new CookieJar('water_access=old; water_refresh=r1; water_locale=en');
    jar.apply('water_access=new; Path=/; HttpOnly; SameSite=Lax');
    jar.apply('water_refresh=; Max-Age=0; Path=/');
    expect(jar.toHeader()).toBe('water_access=new; water_locale=en');
  });

  it('splits a folded Set-Cookie header without breaking Expires dates', () => {
    const headers = { get: () => 'a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Path=/, b=2; Path=/' } as unknown as Headers;
    expect(setCookieLines(headers)).toEqual(['a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Path=/', 'b=2; Path=/']);
  });
});

describe('refresh de-duplication', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends one refresh for concurrent callers holding the same token', async () => {
    let calls = 0;
    const refresh = createRefreshDeduper(async (token: string) => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return `${token}-rotated`;
    });
    const results = await Promise.all([refresh('r1'), refresh('r1'), refresh('r1')]);
    expect(results).toEqual(['r1-rotated', 'r1-rotated', 'r1-rotated']);
    expect(calls).toBe(1);
  });

  it('answers late callers with the old token from the finished refresh, then forgets it', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const refresh = createRefreshDeduper(async () => ++calls, 1000);
    expect(await refresh('r1')).toBe(1);
    expect(await refresh('r1')).toBe(1);
    await vi.advanceTimersByTimeAsync(1001);
    expect(await refresh('r1')).toBe(2);
  });

  it('lets the next caller retry after a transport failure', async () => {
    let calls = 0;
    const refresh = createRefreshDeduper(async () => {
      calls += 1;
      if (calls === 1) throw new Error('ECONNREFUSED');
      return 'ok';
    });
    await expect(refresh('r1')).rejects.toThrow('ECONNREFUSED');
    expect(await refresh('r1')).toBe('ok');
  });
});

describe('looksLikeEmail', () => {
  it.each(['operator@aski.gov.tr', 'a.b+c@x.co'])('accepts %s', (value) => {
    expect(looksLikeEmail(value)).toBe(true);
  });
  it.each(['operator', 'operator@', '@aski.gov.tr', 'operator@aski', 'a b@x.co'])('refuses %s before the API does', (value) => {
    expect(looksLikeEmail(value)).toBe(false);
  });
});
