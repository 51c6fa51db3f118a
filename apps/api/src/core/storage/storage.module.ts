import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { DocumentStorage } from './document-storage';
import { LocalDocumentStorage } from './local-document-storage';
import { S3DocumentStorage } from './s3-document-storage';

/** The storage `DOCUMENTS_STORAGE` names, from the validated configuration. */
export function createDocumentStorage(config: AppConfig): DocumentStorage {
  if (config.DOCUMENTS_STORAGE === 'local') return new LocalDocumentStorage(config.DOCUMENTS_DIR);
  return new S3DocumentStorage({
    endpoint: config.DOCUMENTS_S3_ENDPOINT,
    region: config.DOCUMENTS_S3_REGION,
    // The configuration refuses s3 without a bucket.
    bucket: config.DOCUMENTS_S3_BUCKET ?? '',
    accessKeyId: config.DOCUMENTS_S3_ACCESS_KEY_ID,
    secretAccessKey: config.DOCUMENTS_S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.DOCUMENTS_S3_FORCE_PATH_STYLE,
  });
}

/** Document storage for the modules that keep files (invoice PDFs): inject `DocumentStorage`. */
@Module({
  providers: [{ provide: DocumentStorage, useFactory: createDocumentStorage, inject: [APP_CONFIG] }],
  exports: [DocumentStorage],
})
export class StorageModule {}
