import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCustomer, makeInvoice, makeSubscription, makeUtilities } from './support/factories';
import { pdfText } from './support/pdf-text';
import { startTestApp, type TestApp } from './support/test-app';

// The API configured for an S3-compatible bucket (DOCUMENTS_STORAGE=s3), against a real s3rver on a local port.
describe('invoice PDFs in an S3-compatible bucket (issue 18)', () => {
  let server: S3rver;
  let directory: string;
  let s3: S3Client;
  let t: TestApp;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'water-invoice-s3-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await s3.send(new CreateBucketCommand({ Bucket: 'invoices' }));
    t = await startTestApp('invoice_pdf_s3', {
      env: {
        DOCUMENTS_STORAGE: 's3',
        DOCUMENTS_S3_ENDPOINT: endpoint,
        DOCUMENTS_S3_BUCKET: 'invoices',
        DOCUMENTS_S3_ACCESS_KEY_ID: credentials.accessKeyId,
        DOCUMENTS_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
    });
  });

  afterAll(async () => {
    await t?.close();
    s3?.destroy();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('stores the PDF as an object under the tenant’s key and serves it from there', async () => {
    const { a, aAdmin } = await makeUtilities(t);
    const customer = await makeCustomer(t, { tenant: a, name: 'Gülşen', surname: 'Ağaoğlu' });
    const subscription = await makeSubscription(t, { tenant: a, customer });
    const invoice = await makeInvoice(t, { subscription, grossKurus: 123_456 });

    const res = await t.app.inject({
      method: 'GET',
      url: `/api/invoices/${invoice.id}/pdf`,
      headers: { authorization: `Bearer ${aAdmin.token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${invoice.number}.pdf"`);
    const text = await pdfText(res.rawPayload);
    expect(text).toContain('Gülşen Ağaoğlu');
    expect(text).toMatch(/Ödenecek tutar\s+1\.234,56 TL/);

    const [{ pdf_key: key }] = await t.sql<{ pdf_key: string }>(`SELECT pdf_key FROM invoice WHERE id = $1`, [invoice.id]);
    expect(key).toBe(`tenants/${a.id}/invoices/${invoice.number!.slice(0, 4)}/${invoice.number}.pdf`);
    const object = await s3.send(new GetObjectCommand({ Bucket: 'invoices', Key: key }));
    expect(object.ContentType).toBe('application/pdf');
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(res.rawPayload);

    const again = await t.app.inject({
      method: 'GET',
      url: `/api/invoices/${invoice.id}/pdf`,
      headers: { authorization: `Bearer ${aAdmin.token}` },
    });
    expect(again.rawPayload).toEqual(res.rawPayload);
  });
});
