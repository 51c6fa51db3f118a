/**
 * B9 (PDF) — invoice PDFs (issue 18, target ≥ 20 invoices/s on this machine): BENCH_PDF_INVOICES (200) issued
 * invoices of five lines each, then InvoicePdfService.render (from apps/api/dist) for each, BENCH_PDF_CONCURRENCY
 * (2) at a time in one process: read the invoice, render with pdfkit, store it in a local document directory,
 * record pdf_key — what the invoice.render-pdf job does. Baseline in the same run: the rendering alone
 * (renderInvoicePdf of the same documents, one after another), so the figure shows what reading and storing add.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { API_DIR, clearRedisPrefix, createBenchDb, ensureApiBuild, env, log, now, Report, req, waterDb } from './lib/common';

export async function b9pdf() {
  const report = new Report('B9');
  const count = env('BENCH_PDF_INVOICES', 200);
  const concurrency = env('BENCH_PDF_CONCURRENCY', 2);
  ensureApiBuild();
  const dist = (file: string) => req(path.join(API_DIR, 'dist', file)) as Record<string, unknown>;
  const { NestFactory } = req('@nestjs/core') as typeof import('@nestjs/core');
  const { loadConfig } = dist('core/config/config.js') as typeof import('../apps/api/src/core/config/config');
  const { ConfigModule } = dist('core/config/config.module.js') as typeof import('../apps/api/src/core/config/config.module');
  const { DatabaseModule } = dist('core/database/database.module.js') as typeof import('../apps/api/src/core/database/database.module');
  const { RedisModule } = dist('core/redis/redis.module.js') as typeof import('../apps/api/src/core/redis/redis.module');
  const { JobsModule } = dist('core/jobs/jobs.module.js') as typeof import('../apps/api/src/core/jobs/jobs.module');
  const pdf = dist(
    'modules/invoicing/pdf/invoice-pdf.module.js',
  ) as typeof import('../apps/api/src/modules/invoicing/pdf/invoice-pdf.module');
  const { InvoicePdfService } = dist(
    'modules/invoicing/pdf/invoice-pdf.service.js',
  ) as typeof import('../apps/api/src/modules/invoicing/pdf/invoice-pdf.service');
  const { InvoicePdfRepository } = dist(
    'modules/invoicing/pdf/invoice-pdf.repository.js',
  ) as typeof import('../apps/api/src/modules/invoicing/pdf/invoice-pdf.repository');
  const { invoiceDocument } = dist(
    'modules/invoicing/pdf/invoice-document.js',
  ) as typeof import('../apps/api/src/modules/invoicing/pdf/invoice-document');
  const { renderInvoicePdf } = dist(
    'modules/invoicing/pdf/invoice-pdf.renderer.js',
  ) as typeof import('../apps/api/src/modules/invoicing/pdf/invoice-pdf.renderer');

  const db = await createBenchDb('b9pdf');
  const pool = waterDb.createPool(db.url, { max: 2 });
  const documents = mkdtempSync(path.join(tmpdir(), 'water-bench-pdf-'));
  const prefix = `bench:b9pdf:${process.pid}`;
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>> | undefined;
  try {
    await waterDb.seedReference(pool);
    // One subscription with `count` monthly invoices (one live invoice per period), issued through the numbering trigger.
    const { rows: ids } = await pool.query<{ id: string }>(
      `WITH t AS (INSERT INTO tenant (name) VALUES ('Bench Su ve Kanalizasyon İdaresi') RETURNING id),
            a AS (INSERT INTO address (tenant_id, city, district, neighborhood, street, building_no, door_no)
                  SELECT id, 'Şanlıurfa', 'Haliliye', 'Göbeklitepe', 'Atatürk Bulvarı', '12', '3' FROM t RETURNING id, tenant_id),
            c AS (INSERT INTO customer (tenant_id, customer_type, name, surname, address_id)
                  SELECT tenant_id, 'INDIVIDUAL', 'Çağrı', 'Öztürk Işık', id FROM a RETURNING id, tenant_id, address_id),
            s AS (INSERT INTO subscription (tenant_id, customer_id, subscription_no, subscription_type, group_id, address_id)
                  SELECT c.tenant_id, c.id, 'ABN-000001', 'INDIVIDUAL', (SELECT id FROM subscription_group ORDER BY name LIMIT 1), c.address_id FROM c
                  RETURNING id, tenant_id, customer_id)
       INSERT INTO invoice (tenant_id, subscription_id, customer_id, period_start, period_end, consumption_m3, estimated_m3,
                            net_kurus, vat_kurus, gross_kurus)
       SELECT s.tenant_id, s.id, s.customer_id, d::date, (d + interval '1 month')::date, 23.456, 3.2, 123456, 24691, 148147
         FROM s CROSS JOIN generate_series(date '2000-01-01', date '2000-01-01' + ($1::int - 1) * interval '1 month', interval '1 month') d
       RETURNING id`,
      [count],
    );
    await pool.query(
      `INSERT INTO invoice_line (invoice_id, tenant_id, ordinal, component, tier, description, segment_start, segment_end,
                                 quantity_m3, unit_price_kurus, net_kurus, vat_rate_bp, vat_kurus, gross_kurus)
       SELECT i.id, i.tenant_id, l.ordinal, l.component::invoice_line_component, l.tier, l.description, i.period_start, i.period_end,
              l.quantity, l.price, l.net, l.rate, l.vat, l.net + l.vat
         FROM invoice i CROSS JOIN (VALUES
           (1, 'FIXED', NULL::int, 'Sabit ücret', NULL::numeric, NULL::int, 5000, 2000, 1000),
           (2, 'WATER', 1, 'Su 0–10 m³', 10, 1234, 12340, 100, 123),
           (3, 'WATER', 2, 'Su 10–20 m³', 10, 2345, 23450, 100, 235),
           (4, 'WATER', 3, 'Su 20 m³ üstü', 3.456, 4500, 15552, 100, 156),
           (5, 'WASTEWATER', NULL, 'Atık su (%50)', 23.456, 1500, 67114, 2000, 23177)
         ) AS l(ordinal, component, tier, description, quantity, price, net, rate, vat)`,
    );
    await pool.query(
      `UPDATE invoice SET status = 'ISSUED', issue_date = period_end + 2, due_date = period_end + 17, issued_at = now(),
              snapshot = jsonb_build_object('tenant', jsonb_build_object('name', 'Bench Su ve Kanalizasyon İdaresi'),
                                            'customer', jsonb_build_object('type', 'INDIVIDUAL', 'name', 'Çağrı', 'surname', 'Öztürk Işık'),
                                            'subscription', jsonb_build_object('subscriptionNo', 'ABN-000001'))`,
    );
    log(`B9 PDF: ${ids.length} issued invoices of 5 lines`);

    const config = loadConfig({
      ...process.env,
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: String(Math.max(2, concurrency)),
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      DOCUMENTS_STORAGE: 'local',
      DOCUMENTS_DIR: documents,
    });
    app = await NestFactory.createApplicationContext(
      {
        module: class BenchPdfModule {},
        imports: [
          ConfigModule.forRoot(config),
          DatabaseModule.forRoot({ rowLevelSecurity: false }),
          RedisModule,
          JobsModule,
          pdf.InvoicePdfWorkerModule,
        ],
      },
      { logger: false },
    );
    const service = app.get(InvoicePdfService);
    const repository = app.get(InvoicePdfRepository);

    // Baseline: rendering alone, the same documents one after another (warmed up first: fonts parsed once per process).
    const records = await Promise.all(ids.slice(0, 3).map((r) => repository.find(r.id)));
    for (const r of records) await renderInvoicePdf(invoiceDocument(r!));
    const all = [];
    for (const { id } of ids) all.push((await repository.find(id))!);
    const t0 = now();
    let bytes = 0;
    for (const r of all) bytes += (await renderInvoicePdf(invoiceDocument(r))).length;
    const renderRate = all.length / ((now() - t0) / 1000);

    // The figure: read + render + store + pdf_key, `concurrency` at a time.
    let next = 0;
    const t1 = now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < ids.length) {
          const { id } = ids[next++];
          if (!(await service.render(id))) throw new Error(`invoice ${id} was not stored`);
        }
      }),
    );
    const seconds = (now() - t1) / 1000;
    const { rows: stored } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM invoice WHERE pdf_key IS NOT NULL`);
    const files = readdirSync(documents, { recursive: true }).filter((f) => String(f).endsWith('.pdf')).length;
    if (Number(stored[0].n) !== ids.length || files !== ids.length)
      throw new Error(`stored ${stored[0].n} keys and ${files} files for ${ids.length} invoices`);
    log(`B9 PDF: ${ids.length} PDFs in ${seconds.toFixed(2)} s, ${(bytes / ids.length / 1024).toFixed(1)} KiB each`);
    report.add({
      metric: `invoice PDFs rendered and stored (${ids.length}, concurrency ${concurrency})`,
      value: ids.length / seconds,
      unit: 'invoices/s',
      baseline: { name: 'rendering alone', value: renderRate },
      target: '≥ 20 invoices/s',
      met: ids.length / seconds >= 20,
    });
    Object.assign(report.extra, { invoices: ids.length, concurrency, seconds, averageBytes: Math.round(bytes / ids.length) });
    report.write();
    return report;
  } finally {
    await app?.close();
    await clearRedisPrefix(prefix);
    await pool.end();
    await db.drop();
    rmSync(documents, { recursive: true, force: true });
  }
}

if (require.main === module)
  b9pdf().catch((e) => {
    console.error(e);
    process.exit(1);
  });
