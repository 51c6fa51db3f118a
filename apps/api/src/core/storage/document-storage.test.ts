import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config';
import { assertDocumentKey, bodyBytes, DocumentNotFoundError, InvalidDocumentKeyError, type DocumentStorage } from './document-storage';
import { LocalDocumentStorage } from './local-document-storage';
import { S3DocumentStorage } from './s3-document-storage';
import { createDocumentStorage } from './storage.module';

const TRAVERSALS = [
  '../outside.pdf',
  'a/../../outside.pdf',
  '/etc/passwd',
  'a//b.pdf',
  'a/./b.pdf',
  './b.pdf',
  'a\\..\\b.pdf',
  '.hidden',
  'a/b/',
  'ümlaut.pdf',
  'nul\u0000.pdf',
  'x'.repeat(301),
  '',
];

/** The contract every storage keeps: round trip of bytes and streams, replace, exists, delete, refused keys. */
function contract(name: string, make: () => DocumentStorage) {
  describe(name, () => {
    let storage: DocumentStorage;
    beforeAll(() => {
      storage = make();
    });

    it('stores bytes and a stream and gives them back', async () => {
      const bytes = Buffer.from('%PDF-1.7 fatura ğüşıöçİĞÜŞÖÇ');
      await storage.put('tenants/t1/invoices/2026/2026-000001.pdf', bytes, 'application/pdf');
      expect(await bodyBytes(await storage.get('tenants/t1/invoices/2026/2026-000001.pdf'))).toEqual(bytes);

      const parts = [Buffer.alloc(70_000, 1), Buffer.alloc(5, 2)];
      await storage.put('tenants/t1/streamed.bin', Readable.from(parts), 'application/octet-stream');
      expect(await bodyBytes(await storage.get('tenants/t1/streamed.bin'))).toEqual(Buffer.concat(parts));
    });

    it('replaces a document whole', async () => {
      await storage.put('tenants/t1/replaced.pdf', Buffer.from('first version, longer'), 'application/pdf');
      await storage.put('tenants/t1/replaced.pdf', Buffer.from('second'), 'application/pdf');
      expect((await bodyBytes(await storage.get('tenants/t1/replaced.pdf'))).toString()).toBe('second');
    });

    it('tells whether a document exists and deletes it (twice is fine)', async () => {
      await storage.put('tenants/t2/a.pdf', Buffer.from('a'), 'application/pdf');
      expect(await storage.exists('tenants/t2/a.pdf')).toBe(true);
      expect(await storage.exists('tenants/t2/b.pdf')).toBe(false);
      await storage.delete('tenants/t2/a.pdf');
      await storage.delete('tenants/t2/a.pdf');
      expect(await storage.exists('tenants/t2/a.pdf')).toBe(false);
      await expect(storage.get('tenants/t2/a.pdf')).rejects.toBeInstanceOf(DocumentNotFoundError);
    });

    it('refuses keys that could leave its root, on every operation', async () => {
      for (const key of TRAVERSALS) {
        await expect(storage.put(key, Buffer.from('x'), 'text/plain'), key).rejects.toBeInstanceOf(InvalidDocumentKeyError);
        await expect(storage.get(key), key).rejects.toBeInstanceOf(InvalidDocumentKeyError);
        await expect(storage.exists(key), key).rejects.toBeInstanceOf(InvalidDocumentKeyError);
        await expect(storage.delete(key), key).rejects.toBeInstanceOf(InvalidDocumentKeyError);
      }
    });
  });
}

describe('document keys', () => {
  it('accept relative paths of safe segments only', () => {
    expect(() => assertDocumentKey('tenants/5b0c/invoices/2026/CN-2026-000007.pdf')).not.toThrow();
    for (const key of TRAVERSALS) expect(() => assertDocumentKey(key), key).toThrow(InvalidDocumentKeyError);
  });
});

describe('local document storage', () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    const base = await mkdtemp(join(tmpdir(), 'water-documents-'));
    root = join(base, 'root');
    outside = join(base, 'outside.pdf');
    await writeFile(outside, 'secret');
  });
  afterAll(async () => {
    await rm(join(root, '..'), { recursive: true, force: true });
  });

  contract('contract', () => new LocalDocumentStorage(root));

  it('writes through a temporary file and leaves none behind, and never touches a file outside its root', async () => {
    const storage = new LocalDocumentStorage(root);
    await storage.put('tenants/t3/x.pdf', Buffer.from('x'), 'application/pdf');
    expect(await readdir(join(root, 'tenants/t3'))).toEqual(['x.pdf']);
    await expect(storage.put('../outside.pdf', Buffer.from('overwritten'), 'application/pdf')).rejects.toThrow(InvalidDocumentKeyError);
    await expect(storage.delete('../outside.pdf')).rejects.toThrow(InvalidDocumentKeyError);
    expect(await readFile(outside, 'utf8')).toBe('secret');
  });

  it('leaves no temporary file when the body fails half-way', async () => {
    const storage = new LocalDocumentStorage(root);
    const failing = new Readable({
      read() {
        this.push(Buffer.from('part'));
        this.destroy(new Error('source failed'));
      },
    });
    await expect(storage.put('tenants/t4/broken.pdf', failing, 'application/pdf')).rejects.toThrow('source failed');
    expect(await readdir(join(root, 'tenants/t4'))).toEqual([]);
  });

  it('is what the default configuration makes', () => {
    expect(createDocumentStorage(loadConfig({ DOCUMENTS_DIR: root }))).toBeInstanceOf(LocalDocumentStorage);
  });
});

// A real S3-compatible server (s3rver, pure JavaScript, on a local port): no mock of the SDK.
describe('S3-compatible document storage', () => {
  let server: S3rver;
  let endpoint: string;
  let directory: string;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'water-s3rver-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    const admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await admin.send(new CreateBucketCommand({ Bucket: 'water-documents' }));
    admin.destroy();
  });
  afterAll(async () => {
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  contract('contract', () =>
    createDocumentStorage(
      loadConfig({
        DOCUMENTS_STORAGE: 's3',
        DOCUMENTS_S3_ENDPOINT: endpoint,
        DOCUMENTS_S3_BUCKET: 'water-documents',
        DOCUMENTS_S3_ACCESS_KEY_ID: credentials.accessKeyId,
        DOCUMENTS_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      }),
    ),
  );

  it('is chosen by DOCUMENTS_STORAGE=s3, which needs a bucket and both keys or neither', () => {
    expect(createDocumentStorage(loadConfig({ DOCUMENTS_STORAGE: 's3', DOCUMENTS_S3_BUCKET: 'docs' }))).toBeInstanceOf(S3DocumentStorage);
    expect(() => loadConfig({ DOCUMENTS_STORAGE: 's3' })).toThrow(/DOCUMENTS_S3_BUCKET/);
    expect(() => loadConfig({ DOCUMENTS_STORAGE: 's3', DOCUMENTS_S3_BUCKET: 'docs', DOCUMENTS_S3_ACCESS_KEY_ID: 'k' })).toThrow(
      /DOCUMENTS_S3_SECRET_ACCESS_KEY/,
    );
    expect(() => loadConfig({ DOCUMENTS_STORAGE: 'ftp' })).toThrow(/DOCUMENTS_STORAGE/);
  });

  it('answers not found for a missing object', async () => {
    const storage = new S3DocumentStorage({
      endpoint,
      region: 'us-east-1',
      bucket: 'water-documents',
      forcePathStyle: true,
      ...credentials,
    });
    await expect(storage.get('tenants/none.pdf')).rejects.toBeInstanceOf(DocumentNotFoundError);
    expect(await storage.exists('tenants/none.pdf')).toBe(false);
  });
});
