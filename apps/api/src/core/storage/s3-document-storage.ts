import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { assertDocumentKey, bodyBytes, DocumentNotFoundError, DocumentStorage, type DocumentBody } from './document-storage';

export interface S3DocumentStorageOptions {
  /** Endpoint of an S3-compatible server (MinIO, Ceph, …); unset for AWS itself. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Bucket in the path rather than the host name, as MinIO and most self-hosted servers want. */
  forcePathStyle: boolean;
}

const isNotFound = (err: unknown) =>
  err instanceof NoSuchKey ||
  err instanceof NotFound ||
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/**
 * Documents as objects of one bucket of an S3-compatible server. A PutObject replaces an object whole, so
 * readers never see a partial document. Bodies are sent with their length (documents are small), and
 * checksums only where the API requires them, which S3-compatible servers without the newer checksum
 * headers accept.
 */
export class S3DocumentStorage extends DocumentStorage {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3DocumentStorageOptions) {
    super();
    this.bucket = options.bucket;
    const config: S3ClientConfig = {
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (options.endpoint) config.endpoint = options.endpoint;
    if (options.accessKeyId && options.secretAccessKey)
      config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
    this.client = new S3Client(config);
  }

  async put(key: string, body: DocumentBody, contentType: string): Promise<void> {
    assertDocumentKey(key);
    const bytes = await bodyBytes(body);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentLength: bytes.length, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<Readable> {
    assertDocumentKey(key);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (answer.Body instanceof Readable) return answer.Body;
      // Outside Node the SDK gives a web stream; the API only runs on Node, but stay correct.
      return Readable.from(Buffer.from(await answer.Body!.transformToByteArray()));
    } catch (err) {
      if (isNotFound(err)) throw new DocumentNotFoundError(key);
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    assertDocumentKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertDocumentKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Closes the client's sockets at shutdown. */
  onModuleDestroy(): void {
    this.client.destroy();
  }
}
