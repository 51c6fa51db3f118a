import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertDocumentKey, DocumentNotFoundError, DocumentStorage, InvalidDocumentKeyError, type DocumentBody } from './document-storage';

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Documents as files under one directory (a volume in production). A put writes a temporary file beside
 * the target, flushes it and renames it over the target: rename is atomic on one file system, so a
 * reader or a crash never leaves half a document under its key.
 */
export class LocalDocumentStorage extends DocumentStorage {
  private readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  /** The file of `key`, refused if it would fall outside the root (the key rule already prevents it). */
  private pathOf(key: string): string {
    assertDocumentKey(key);
    const path = resolve(this.root, key);
    const rel = relative(this.root, path);
    if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) throw new InvalidDocumentKeyError(key, 'leaves the storage directory');
    return path;
  }

  async put(key: string, body: DocumentBody, _contentType: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Temporary names start with '.', which no key segment may, so a key never names one.
    const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const source = Buffer.isBuffer(body) || body instanceof Uint8Array ? Readable.from([body]) : body;
      await pipeline(source, createWriteStream(temp, { flags: 'wx', mode: 0o640 }));
      const handle = await open(temp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      // Opened here, so a missing file fails now rather than in the middle of a response.
      const handle = await open(path, 'r');
      return handle.createReadStream();
    } catch (err) {
      if (isMissing(err)) throw new DocumentNotFoundError(key);
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }
}
