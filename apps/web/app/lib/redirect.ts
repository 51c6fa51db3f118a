/**
 * The in-app path to return to after signing in. Anything that could leave the site
 * (absolute URLs, protocol-relative "//host", backslashes) or loop back to /login falls back to "/".
 */
export function safeRedirect(value: unknown): string {
  const target = Array.isArray(value) ? value[0] : value;
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.includes('\\')) return '/';
  if (target === '/login' || target.startsWith('/login?') || target.startsWith('/login#')) return '/';
  return target;
}
