import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigModule } from '../src/core/config/config.module';
import { DatabaseModule } from '../src/core/database/database.module';
import { JobsModule, JobWorkersModule } from '../src/core/jobs/jobs.module';
import { UnitOfWork } from '../src/core/database/unit-of-work';
import { JobsService } from '../src/core/jobs/jobs.service';
import { JobName, QueueName } from '../src/core/jobs/jobs.types';
import { RedisModule } from '../src/core/redis/redis.module';
import { InvoicePdfWorkerModule } from '../src/modules/invoicing/pdf/invoice-pdf.module';
import { InvoicePdfService } from '../src/modules/invoicing/pdf/invoice-pdf.service';
import {
  makeAddress,
  makeCustomer,
  makeInvoice,
  makeSubscription,
  makeUser,
  makeUtilities,
  tokenFor,
  type Subscription,
  type Tenant,
} from './support/factories';
import { pdfText } from './support/pdf-text';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';

/**
 * The worker's side of this module alone (its module, the job consumers, database and Redis of the suite):
 * the documents queue consumed through @OnJob, the other queues left to their own modules.
 */
async function startPdfWorker(t: TestApp): Promise<TestingModule> {
  const module = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(t.config),
      DatabaseModule.forRoot({ rowLevelSecurity: false }),
      RedisModule,
      JobsModule,
      JobWorkersModule.forRoot({ ownLoops: Object.values(QueueName).filter((q) => q !== QueueName.Documents) }),
      InvoicePdfWorkerModule,
    ],
  }).compile();
  module.useLogger(false);
  await module.init();
  return module;
}

/** GET the PDF as raw bytes (the test app's request() would try to parse it). */
async function download(t: TestApp, id: string, token: string) {
  const res = await t.app.inject({ method: 'GET', url: `/api/invoices/${id}/pdf`, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, headers: res.headers, body: res.rawPayload, json: () => JSON.parse(res.body) };
}

describe('invoice PDFs (issue 18)', () => {
  let t: TestApp;
  let documents: string;
  let a: Tenant;
  let aToken: string;
  let bToken: string;
  let subscription: Subscription;
  let worker: TestingModule | undefined;

  /** A draft of `subscription` with two water tiers and a fixed charge, its snapshot and language; issued unless `draft`. */
  async function invoice(o: { language?: 'tr' | 'en'; draft?: boolean; periodStart?: string; periodEnd?: string } = {}) {
    const inv = await makeInvoice(t, {
      subscription,
      issued: false,
      periodStart: o.periodStart ?? '2026-10-01',
      periodEnd: o.periodEnd ?? '2026-11-01',
      grossKurus: 148_147,
    });
    await t.sql(`DELETE FROM invoice_line WHERE invoice_id = $1`, [inv.id]);
    await t.sql(
      `INSERT INTO invoice_line (invoice_id, tenant_id, ordinal, component, tier, description, segment_start, segment_end,
                                 quantity_m3, unit_price_kurus, net_kurus, vat_rate_bp, vat_kurus, gross_kurus)
       VALUES ($1, $2, 1, 'FIXED', NULL, 'Sabit ücret', $3, $4, NULL, NULL, 5000, 2000, 1000, 6000),
              ($1, $2, 2, 'WATER', 1, 'Su 0–10 m³', $3, $4, 10, 1234, 12340, 100, 123, 12463),
              ($1, $2, 3, 'WATER', 2, 'Su 10 m³ üstü', $3, $4, 2.345, 45000, 105525, 2000, 21105, 126630)`,
      [inv.id, subscription.tenantId, o.periodStart ?? '2026-10-01', o.periodEnd ?? '2026-11-01'],
    );
    await t.sql(
      `UPDATE invoice SET net_kurus = 123456, vat_kurus = 24691, gross_kurus = 148147, consumption_m3 = 12.345, estimated_m3 = 2,
                          language = $2,
                          snapshot = jsonb_build_object(
                            'tenant', jsonb_build_object('name', 'Göksu Su İdaresi', 'taxId', '1234567890', 'taxOffice', 'Çankaya'),
                            'customer', jsonb_build_object('type', 'INDIVIDUAL', 'name', 'Çağrı', 'surname', 'Öztürk Işık', 'organizationName', null),
                            'subscription', jsonb_build_object('subscriptionNo', $3::text),
                            'address', jsonb_build_object('street', 'Gül Sokağı', 'buildingNo', '7', 'doorNo', '2',
                                                          'neighborhood', 'Şükriye', 'district', 'Çankaya', 'city', 'Ankara'))
        WHERE id = $1`,
      [inv.id, o.language ?? 'tr', subscription.subscriptionNo],
    );
    if (o.draft) return { id: inv.id, number: null as string | null };
    const [issued] = await t.sql<{ number: string }>(
      `UPDATE invoice SET status = 'ISSUED', issue_date = '2026-11-03', due_date = '2026-11-18', issued_at = now() WHERE id = $1 RETURNING number`,
      [inv.id],
    );
    return { id: inv.id, number: issued.number };
  }

  const pdfKey = async (id: string) =>
    (await t.sql<{ pdf_key: string | null }>(`SELECT pdf_key FROM invoice WHERE id = $1`, [id]))[0].pdf_key;

  beforeAll(async () => {
    documents = await mkdtemp(join(tmpdir(), 'water-invoice-pdf-'));
    t = await startTestApp('invoice_pdf', { env: { DOCUMENTS_DIR: documents } });
    const u = await makeUtilities(t);
    a = u.a;
    aToken = u.aAdmin.token;
    bToken = u.bAdmin.token;
    const address = await makeAddress(t, { tenant: a, street: 'Bugünkü Sokak', city: 'İzmir', district: 'Karşıyaka' });
    const customer = await makeCustomer(t, { tenant: a, name: 'Bugünkü', surname: 'Müşteri', address });
    subscription = await makeSubscription(t, { tenant: a, customer, address });
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await rm(documents, { recursive: true, force: true });
  });

  it('stores an issued invoice’s PDF on first download under its tenant, records pdf_key once and serves the stored file after', async () => {
    const inv = await invoice();
    expect(await pdfKey(inv.id)).toBeNull();

    const res = await download(t, inv.id, aToken);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${inv.number}.pdf"`);
    expect(res.body.subarray(0, 5).toString()).toBe('%PDF-');

    const text = await pdfText(res.body);
    expect(text).toContain('FATURA');
    expect(text).toContain('Göksu Su İdaresi');
    expect(text).toContain('Çağrı Öztürk Işık');
    expect(text).toContain('Şükriye, Gül Sokağı No: 7/2, Çankaya/Ankara');
    expect(text).toMatch(new RegExp(`Fatura no\\s+${inv.number}`));
    expect(text).toMatch(new RegExp(`Abone no\\s+${subscription.subscriptionNo}`));
    expect(text).toMatch(/Son ödeme tarihi\s+18\.11\.2026/);
    expect(text).toContain('Tüketim: 12,345 m³ (tahmini: 2,000 m³ (%16,2))');
    expect(text).toMatch(/Su bedeli · Kademe 2\s+2,345\s+450,00 TL\s+1\.055,25 TL\s+%20\s+211,05 TL\s+1\.266,30 TL/);
    expect(text).toMatch(/Ödenecek tutar\s+1\.481,47 TL/);
    // The snapshot names the parties of an issued invoice, not today's rows.
    expect(text).not.toContain('Bugünkü');

    const key = await pdfKey(inv.id);
    expect(key).toBe(`tenants/${a.id}/invoices/2026/${inv.number}.pdf`);
    expect(await readFile(join(documents, key!))).toEqual(res.body);

    // The second download is the stored file (changed here behind the API's back to tell it apart).
    await writeFile(join(documents, key!), '%PDF- stored copy');
    const again = await download(t, inv.id, aToken);
    expect(again.status).toBe(200);
    expect(again.body.toString()).toBe('%PDF- stored copy');
    expect(await pdfKey(inv.id)).toBe(key);
  });

  it('renders an English invoice in English', async () => {
    const inv = await invoice({ language: 'en', periodStart: '2026-09-01', periodEnd: '2026-10-01' });
    const text = await pdfText((await download(t, inv.id, aToken)).body);
    expect(text).toContain('INVOICE');
    expect(text).toMatch(new RegExp(`Invoice no\\.\\s+${inv.number}`));
    expect(text).toMatch(/Period\s+2026-09-01 – 2026-09-30/);
    expect(text).toMatch(/Water · Tier 1\s+10.000\s+TRY 12.34\s+TRY 123.40\s+1%\s+TRY 1.23\s+TRY 124.63/);
    expect(text).toMatch(/Total due\s+TRY 1,481.47/);
    expect(text).toContain('Çağrı Öztürk Işık');
  });

  it('renders a draft on the fly with today’s parties and a TASLAK watermark, and stores nothing', async () => {
    const draft = await invoice({ draft: true, periodStart: '2026-08-01', periodEnd: '2026-09-01' });
    const res = await download(t, draft.id, aToken);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="draft-${draft.id}.pdf"`);
    const text = await pdfText(res.body);
    expect(text).toMatch(/^\s*TASLAK\s*$/m);
    expect(text).toContain('Bugünkü Müşteri');
    expect(text).toContain('Karşıyaka/İzmir');
    expect(await pdfKey(draft.id)).toBeNull();
    expect(await t.app.get(InvoicePdfService).render(draft.id)).toBeNull();
    expect(await pdfKey(draft.id)).toBeNull();
  });

  it('marks a cancelled invoice İPTAL in a copy of its own, and titles its credit note', async () => {
    const inv = await invoice({ periodStart: '2026-07-01', periodEnd: '2026-08-01' });
    await download(t, inv.id, aToken);
    const issuedKey = await pdfKey(inv.id);
    await t.sql(`UPDATE invoice SET status = 'CANCELLED', cancelled_at = now(), cancel_reason = 'Okuma hatası' WHERE id = $1`, [inv.id]);

    const res = await download(t, inv.id, aToken);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${inv.number}-cancelled.pdf"`);
    const text = await pdfText(res.body);
    expect(text).toMatch(/^\s*İPTAL\s*$/m);
    expect(text).toContain('Bu fatura iptal edilmiştir: Okuma hatası');
    // pdf_key stays the document as issued; the cancelled copy sits beside it.
    expect(await pdfKey(inv.id)).toBe(issuedKey);
    expect(await readFile(join(documents, issuedKey!.replace(/\.pdf$/, '.cancelled.pdf')))).toEqual(res.body);

    const [credit] = await t.sql<{ id: string }>(
      `INSERT INTO invoice (tenant_id, subscription_id, customer_id, kind, period_start, period_end, net_kurus, vat_kurus, gross_kurus,
                            corrects_invoice_id, snapshot)
       SELECT tenant_id, subscription_id, customer_id, 'CREDIT_NOTE', period_start, period_end, -net_kurus, -vat_kurus, -gross_kurus, id, snapshot
         FROM invoice WHERE id = $1 RETURNING id`,
      [inv.id],
    );
    const [{ number }] = await t.sql<{ number: string }>(
      `UPDATE invoice SET status = 'ISSUED', issue_date = '2026-11-20', due_date = '2026-11-20', issued_at = now() WHERE id = $1 RETURNING number`,
      [credit.id],
    );
    expect(number).toMatch(/^CN-2026-/);
    const creditRes = await download(t, credit.id, aToken);
    expect(creditRes.headers['content-disposition']).toBe(`attachment; filename="${number}.pdf"`);
    const creditText = await pdfText(creditRes.body);
    expect(creditText).toContain('İADE FATURASI');
    expect(creditText).toMatch(new RegExp(`Düzeltilen fatura\\s+${inv.number}`));
    expect(creditText).toMatch(/İade tutarı\s+-1\.481,47 TL/);
  });

  it('renders and stores on issue through the invoice.render-pdf job in the worker', async () => {
    const inv = await invoice({ periodStart: '2026-06-01', periodEnd: '2026-07-01' });
    const service = t.app.get(InvoicePdfService);
    const unitOfWork = t.app.get(UnitOfWork);
    await unitOfWork.run((tx) => service.renderLater(tx, inv.id));
    await unitOfWork.run((tx) => service.renderLater(tx, inv.id)); // asked twice: one job
    const job = await t.app.get(JobsService).find(JobName.RenderInvoicePdf, `invoice-pdf-${inv.id}`);
    expect(job?.data).toEqual({ invoiceId: inv.id });

    worker = await startPdfWorker(t);
    const key = await until(() => pdfKey(inv.id), 30_000);
    expect(key).toBe(`tenants/${a.id}/invoices/2026/${inv.number}.pdf`);
    const text = await pdfText(await readFile(join(documents, key)));
    expect(text).toMatch(new RegExp(`Fatura no\\s+${inv.number}`));
  });

  it('needs BILLING read, hides other tenants’ invoices (404) and refuses a bad id', async () => {
    const inv = await invoice({ periodStart: '2026-05-01', periodEnd: '2026-06-01' });
    const noBilling = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { CUSTOMERS: 'r', SUBSCRIPTIONS: 'r' } }));
    const reader = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { BILLING: 'r' } }));

    expect((await download(t, inv.id, noBilling)).status).toBe(403);
    expect((await download(t, inv.id, bToken)).status).toBe(404);
    expect((await download(t, '00000000-0000-4000-8000-000000000000', aToken)).status).toBe(404);
    const bad = await download(t, 'not-a-uuid', aToken);
    expect(bad.status).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: `/api/invoices/${inv.id}/pdf` })).statusCode).toBe(401);
    // None of the refused requests stored anything.
    expect(await pdfKey(inv.id)).toBeNull();

    const ok = await download(t, inv.id, reader);
    expect(ok.status).toBe(200);
    expect(await pdfKey(inv.id)).not.toBeNull();
  });
});
