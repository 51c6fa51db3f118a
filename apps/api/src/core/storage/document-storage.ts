import type { Readable } from 'node:stream';

/** What a document is stored from: bytes in hand, or a stream (read to its end). */
export type DocumentBody = Buffer | Uint8Array | Readable;

/**
 * Where rendered documents (invoice PDFs) are kept: a local volume by default, an S3-compatible bucket
 * when configured (`DOCUMENTS_STORAGE`). Keys are relative paths of safe segments (`assertDocumentKey`);
 * a put replaces the object whole, so a reader sees the old document or the new one, never a part.
 */
export abstract class DocumentStorage {
  abstract put(key: string, body: DocumentBody, contentType: string): Promise<void>;
  /** The document's bytes; `DocumentNotFoundError` when there is none under `key`. */
  abstract get(key: string): Promise<Readable>;
  abstract exists(key: string): Promise<boolean>;
  /** Removes the document; a key with nothing under it is not an error. */
  abstract delete(key: string): Promise<void>;
}

export class DocumentNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no document under ${key}`);
  }
}

export class InvalidDocumentKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid document key ${JSON.stringify(key.slice(0, 80))}: ${reason}`);
  }
}

/** Longest key: invoice.pdf_key is VARCHAR(300). */
export const DOCUMENT_KEY_MAX = 300;
/** A segment starts with a letter or digit (so never `.` or `..`) and holds letters, digits, `.`, `_`, `-`. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Refuses any key that could leave the storage's root or name something odd there: absolute paths,
 * `..` and `.` segments, empty segments, backslashes, control or non-ASCII characters.
 */
export function assertDocumentKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidDocumentKeyError(String(key), 'is empty');
  if (key.length > DOCUMENT_KEY_MAX) throw new InvalidDocumentKeyError(key, `is longer than ${DOCUMENT_KEY_MAX} characters`);
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment)) throw new InvalidDocumentKeyError(key, `segment ${JSON.stringify(segment)} is not allowed`);
  }
}

/** Reads a document body into one buffer (documents are small: an invoice PDF is tens of kilobytes). */
export async function bodyBytes(body: DocumentBody): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
