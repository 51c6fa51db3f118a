import { appendResponseHeader, getRequestHeader, getResponseHeader, removeResponseHeader, setResponseHeader } from 'h3';
import { compressBody, isCompressibleType, MIN_COMPRESS_BYTES, pickEncoding } from '../utils/compression';

/**
 * Compresses the answers the console builds per request (rendered pages, the i18n messages, error pages)
 * when the browser takes brotli or gzip. It runs as the last step before sending (beforeResponse), after
 * render:response hooks such as the CSP one have read the page's text. Streams (the API proxy) pass as they are.
 */
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('beforeResponse', (event, response) => {
    const body: unknown = response.body;
    if (event.method === 'HEAD' || getResponseHeader(event, 'content-encoding')) return;
    let text: string | Uint8Array;
    let type = getResponseHeader(event, 'content-type') as string | undefined;
    if (typeof body === 'string') {
      text = body;
      type ??= 'text/html; charset=utf-8';
    } else if (body instanceof Uint8Array) {
      text = body;
    } else if (body !== null && typeof body === 'object' && Object.getPrototypeOf(body) === Object.prototype) {
      text = JSON.stringify(body);
      type ??= 'application/json; charset=utf-8';
    } else return;
    if (!isCompressibleType(type) || text.length < MIN_COMPRESS_BYTES) return;
    appendResponseHeader(event, 'vary', 'Accept-Encoding');
    const encoding = pickEncoding(getRequestHeader(event, 'accept-encoding'));
    if (!encoding) return;
    response.body = compressBody(text, encoding);
    setResponseHeader(event, 'content-type', type!);
    setResponseHeader(event, 'content-encoding', encoding);
    removeResponseHeader(event, 'content-length');
  });
});
