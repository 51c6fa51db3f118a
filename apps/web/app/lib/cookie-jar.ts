/**
 * The cookies of one SSR render. It starts from the browser's Cookie header and takes in the
 * Set-Cookie answers of internal API calls, so a session rotated by the proxy during the render
 * is used by the calls that follow it (and is passed on to the browser by the caller).
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  constructor(cookieHeader = '') {
    for (const part of cookieHeader.split(';')) {
      const index = part.indexOf('=');
      if (index <= 0) continue;
      this.cookies.set(part.slice(0, index).trim(), part.slice(index + 1).trim());
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Applies one Set-Cookie line: an empty value, Max-Age=0 or a past Expires removes the cookie. */
  apply(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';');
    const index = pair.indexOf('=');
    if (index <= 0) return;
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const expired = attributes.some((attribute) => {
      const [key = '', raw = ''] = attribute.split('=');
      const k = key.trim().toLowerCase();
      if (k === 'max-age') return Number(raw.trim()) <= 0;
      if (k === 'expires') return new Date(raw.trim()).getTime() <= Date.now();
      return false;
    });
    if (!value || expired) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  toHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** Set-Cookie lines of a response, also when a runtime folded them into one comma-joined header. */
export function setCookieLines(headers: Headers): string[] {
  if (typeof headers.getSetCookie === 'function') {
    const lines = headers.getSetCookie();
    if (lines.length > 0) return lines;
  }
  const joined = headers.get('set-cookie');
  // Split on commas that start a new "name=" pair, not on the comma inside an Expires date.
  return joined ? joined.split(/,(?=\s*[^;,=\s]+=)/).map((line) => line.trim()) : [];
}
