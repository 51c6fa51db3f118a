import '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { BadInputException, PayloadTooLargeException, UnsupportedMediaTypeException } from './errors';

/** The one file of a multipart/form-data upload, as a stream of its bytes; nothing is buffered whole. */
export interface UploadedFile {
  /** The client's file name, without any path, control characters or more than 255 characters. */
  name: string;
  bytes: AsyncIterable<Buffer>;
}

/**
 * Takes the request's single file part (@fastify/multipart, registered in bootstrap): one file, no other
 * fields, at most `maxBytes`. A larger file fails while it streams (`PayloadTooLargeException`, 413), so a
 * 2 GB upload costs no more than `maxBytes` of reading.
 */
export async function uploadedFile(req: FastifyRequest, maxBytes: number): Promise<UploadedFile> {
  if (!req.isMultipart()) throw new UnsupportedMediaTypeException('send the file as multipart/form-data (one file part)');
  let part;
  try {
    part = await req.file({ limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 }, throwFileSizeLimit: true });
  } catch (err) {
    throw asUploadError(err, maxBytes);
  }
  if (!part) throw new BadInputException('a file is required', [{ path: ['body', 'file'], message: 'is required' }]);
  const name =
    (part.filename || 'upload')
      .split(/[\\/]/)
      .pop()!
      .replace(/\p{Cc}/gu, '')
      .slice(0, 255) || 'upload';
  const stream = part.file;
  return {
    name,
    bytes: (async function* () {
      try {
        for await (const chunk of stream) yield chunk as Buffer;
      } catch (err) {
        throw asUploadError(err, maxBytes);
      }
      if (stream.truncated) throw new PayloadTooLargeException(`the file is larger than ${maxBytes} bytes`);
    })(),
  };
}

function asUploadError(err: unknown, maxBytes: number): Error {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new PayloadTooLargeException(`the file is larger than ${maxBytes} bytes`);
  if (code.startsWith('FST_')) return new BadInputException(`the upload cannot be read: ${(err as Error).message}`);
  return err as Error;
}
