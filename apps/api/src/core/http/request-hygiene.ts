import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadInputException, UnsupportedMediaTypeException, type ErrorDetail } from './errors';

/**
 * Request hygiene for every route, in one place, before any controller, guard or pipe runs (so
 * also for routes that parse their bodies by hand, such as the ingest webhooks):
 *
 * - bodies are UTF-8: a declared charset other than UTF-8 answers 415 (the bytes would be read as
 *   UTF-8 and stored as mojibake), bytes that are not valid UTF-8 answer 400;
 * - no string of the body, the query or the path (values and object keys) may hold a NUL
 *   character: PostgreSQL cannot store one in text, so it used to surface as a 500. It answers 400
 *   with the field's path, e.g. `["body", "contacts", 1, "name"]`, and never echoes the value.
 */
export function registerRequestHygiene(fastify: FastifyInstance): void {
  // These replace Fastify's and Nest's own parsers (createApp passes `bodyParser: false` to Nest):
  // the same three media types, the same JSON parsing (prototype poisoning refused), UTF-8 checked first.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  const parser =
    (parse: (req: FastifyRequest, text: string, done: (err: Error | null, body?: unknown) => void) => void) =>
    (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
      let text: string;
      try {
        text = decodeUtf8(req, body as Buffer);
      } catch (err) {
        done(err as Error, undefined);
        return;
      }
      parse(req, text, done);
    };
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    parser((req, text, done) => void parseJson(req, text, done)),
  );
  fastify.addContentTypeParser(
    'text/plain',
    { parseAs: 'buffer' },
    parser((_req, text, done) => done(null, text)),
  );
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    parser((_req, text, done) => done(null, parseForm(text))),
  );

  fastify.addHook('preValidation', async (req) => {
    const bad = findNul('params', req.params) ?? findNul('query', req.query) ?? findNul('body', req.body);
    if (bad) throw new BadInputException(`${bad.path.join('.')}: ${bad.message}`, [bad]);
  });
}

/** A form body as Nest's parser gave it: one string per name, an array for a repeated name. */
function parseForm(text: string): Record<string, string | string[]> {
  const form = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(text)) {
    const had = form[key];
    form[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return form;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_NAMES = new Set(['utf-8', 'utf8']);

/** The declared charset of a Content-Type header, lower-cased and unquoted; undefined when none. */
export function charsetOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  for (const part of contentType.split(';').slice(1)) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    return part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return undefined;
}

function decodeUtf8(req: FastifyRequest, body: Buffer): string {
  const charset = charsetOf(req.headers['content-type']);
  if (charset !== undefined && !UTF8_NAMES.has(charset)) {
    throw new UnsupportedMediaTypeException(`request bodies must be UTF-8 (charset=${charset.slice(0, 40)} is not supported)`);
  }
  try {
    return utf8.decode(body);
  } catch {
    throw new BadInputException('the request body is not valid UTF-8', [{ path: ['body'], message: 'must be valid UTF-8' }]);
  }
}

interface Node {
  key: string | number;
  parent: Node | null;
  value: unknown;
}

function pathOf(node: Node): (string | number)[] {
  const path: (string | number)[] = [];
  for (let n: Node | null = node; n; n = n.parent) path.push(n.key);
  return path.reverse();
}

/**
 * The path of the first string (value or object key) holding a NUL character, or null. Walks
 * iteratively with parent links, so a deeply nested body costs neither stack nor quadratic copies.
 */
export function findNul(root: string, value: unknown): ErrorDetail | null {
  const stack: Node[] = [{ key: root, parent: null, value }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { path: pathOf(node), message: 'must not contain a NUL character' };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ key: i, parent: node, value: v[i] });
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (const key of keys) {
        if (key.includes('\u0000')) return { path: pathOf(node), message: 'must not contain a key with a NUL character' };
      }
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ key: keys[i], parent: node, value: (v as Record<string, unknown>)[keys[i]] });
    }
  }
  return null;
}
