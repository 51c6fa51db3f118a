/**
 * Whether a typed address has the shape of an e-mail (something@domain.tld), checked in the console
 * before the API's schema refuses it, so the message is in the page's language.
 */
export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}
