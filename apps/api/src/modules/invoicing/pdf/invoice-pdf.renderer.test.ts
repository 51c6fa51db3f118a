import { describe, expect, it } from 'vitest';
import { pdfText } from '../../../../test/support/pdf-text';
import { invoiceDocument, partiesOf, type InvoicePdfRecord } from './invoice-document';
import { renderInvoicePdf } from './invoice-pdf.renderer';

const ADDRESS = {
  street: 'Atatürk Bulvarı',
  buildingNo: '12',
  doorNo: '3',
  neighborhood: 'Kızılay',
  district: 'Çankaya',
  city: 'Ankara',
  name: null,
};

function record(o: Partial<InvoicePdfRecord> = {}): InvoicePdfRecord {
  return {
    id: '00000000-0000-0000-0000-000000000001',
    tenantId: '00000000-0000-0000-0000-000000000002',
    kind: 'INVOICE',
    status: 'ISSUED',
    number: '2026-000042',
    numberYear: 2026,
    periodStart: '2026-10-01',
    periodEnd: '2026-11-01',
    issueDate: '2026-11-03',
    dueDate: '2026-11-18',
    consumptionM3: '12.345',
    estimatedM3: '2.000',
    netKurus: 123456n,
    vatKurus: 24691n,
    grossKurus: 148147n,
    language: 'tr',
    snapshot: {
      tenant: { name: 'Şanlıurfa Su İdaresi ÖRNEĞİ', taxId: '1234567890', taxOffice: 'Göbeklitepe' },
      customer: { type: 'INDIVIDUAL', name: 'Çağrı', surname: 'Öztürk Güneş', organizationName: null, taxId: null },
      subscription: { id: 'x', subscriptionNo: 'ABN-0042', type: 'INDIVIDUAL', group: 'Konut' },
      address: { ...ADDRESS, floor: null, postalCode: null },
    },
    pdfKey: null,
    cancelReason: null,
    correctsNumber: null,
    current: {
      tenant: { name: 'Bugünkü İdare Adı', taxId: null, taxOffice: null },
      customer: { name: 'Bugünkü Müşteri', taxId: null },
      subscriptionNo: 'ABN-NOW',
      address: null,
    },
    lines: [
      {
        ordinal: 1,
        component: 'FIXED',
        tier: null,
        description: 'Sabit ücret (aylık)',
        segmentStart: '2026-10-01',
        segmentEnd: '2026-11-01',
        quantityM3: null,
        unitPriceKurus: null,
        netKurus: 5000n,
        vatRateBp: 2000,
        vatKurus: 1000n,
        grossKurus: 6000n,
      },
      {
        ordinal: 2,
        component: 'WATER',
        tier: 1,
        description: 'Su 0–10 m³',
        segmentStart: '2026-10-01',
        segmentEnd: '2026-11-01',
        quantityM3: '10.000',
        unitPriceKurus: 1234,
        netKurus: 12340n,
        vatRateBp: 100,
        vatKurus: 123n,
        grossKurus: 12463n,
      },
      {
        ordinal: 3,
        component: 'WATER',
        tier: 2,
        description: 'Su 10 m³ üstü',
        segmentStart: '2026-10-01',
        segmentEnd: '2026-11-01',
        quantityM3: '2.345',
        unitPriceKurus: 45000,
        netKurus: 105525n,
        vatRateBp: 2000,
        vatKurus: 21105n,
        grossKurus: 126630n,
      },
    ],
    ...o,
  };
}

describe('invoice PDF', () => {
  it('prints a Turkish invoice with its parties, lines, estimated share and totals, in correct Turkish characters', async () => {
    const text = await pdfText(await renderInvoicePdf(invoiceDocument(record())));
    expect(text).toContain('FATURA');
    expect(text).toContain('Şanlıurfa Su İdaresi ÖRNEĞİ');
    expect(text).toContain('Vergi dairesi: Göbeklitepe');
    expect(text).toContain('Çağrı Öztürk Güneş');
    expect(text).toContain('Kızılay, Atatürk Bulvarı No: 12/3, Çankaya/Ankara');
    expect(text).toMatch(/Fatura no\s+2026-000042/);
    expect(text).toMatch(/Düzenleme tarihi\s+03\.11\.2026/);
    expect(text).toMatch(/Son ödeme tarihi\s+18\.11\.2026/);
    expect(text).toMatch(/Dönem\s+01\.10\.2026 – 31\.10\.2026/);
    expect(text).toMatch(/Abone no\s+ABN-0042/);
    expect(text).toContain('Tüketim: 12,345 m³ (tahmini: 2,000 m³ (%16,2))');
    expect(text).toMatch(/Su bedeli · Kademe 2\s+2,345\s+450,00 TL\s+1\.055,25 TL\s+%20\s+211,05 TL\s+1\.266,30 TL/);
    expect(text).toMatch(/Su bedeli · Kademe 1\s+10,000\s+12,34 TL\s+123,40 TL\s+%1\s+1,23 TL\s+124,63 TL/);
    expect(text).toMatch(/Sabit ücret\s+50,00 TL\s+%20\s+10,00 TL\s+60,00 TL/);
    expect(text).toMatch(/Ara toplam \(KDV hariç\)\s+1\.234,56 TL/);
    expect(text).toMatch(/Toplam KDV\s+246,91 TL/);
    expect(text).toMatch(/Ödenecek tutar\s+1\.481,47 TL/);
    // The snapshot, not today's rows, names the parties of an issued invoice.
    expect(text).not.toContain('Bugünkü');
    expect(text).not.toMatch(/TASLAK|İPTAL/);
  });

  it('prints an English invoice', async () => {
    const text = await pdfText(await renderInvoicePdf(invoiceDocument(record({ language: 'en' }))));
    expect(text).toContain('INVOICE');
    expect(text).toMatch(/Invoice no\.\s+2026-000042/);
    expect(text).toMatch(/Due date\s+2026-11-18/);
    expect(text).toContain('Consumption: 12.345 m³ (estimated: 2.000 m³ (16.2%))');
    expect(text).toMatch(/Water · Tier 2\s+2.345\s+TRY 450.00\s+TRY 1,055.25\s+20%\s+TRY 211.05\s+TRY 1,266.30/);
    expect(text).toMatch(/Total due\s+TRY 1,481.47/);
    expect(text).toContain('Çağrı Öztürk Güneş');
  });

  it('marks drafts (today’s parties) and cancelled invoices with a watermark, and titles credit notes', async () => {
    const draft = await pdfText(
      await renderInvoicePdf(invoiceDocument(record({ status: 'DRAFT', number: null, issueDate: null, dueDate: null }))),
    );
    // The watermark is level text of its own: one word on a line of its own.
    expect(draft).toMatch(/^\s*TASLAK\s*$/m);
    expect(draft).toContain('Bu belge bir taslaktır');
    expect(draft).toContain('Bugünkü Müşteri');
    expect(draft).toContain('Taslak (numarasız)');

    const draftEn = await pdfText(await renderInvoicePdf(invoiceDocument(record({ status: 'DRAFT', number: null, language: 'en' }))));
    expect(draftEn).toMatch(/^\s*DRAFT\s*$/m);

    const cancelled = await pdfText(
      await renderInvoicePdf(invoiceDocument(record({ status: 'CANCELLED', cancelReason: 'Sayaç okuma hatası' }))),
    );
    expect(cancelled).toMatch(/^\s*İPTAL\s*$/m);
    expect(cancelled).toContain('Bu fatura iptal edilmiştir: Sayaç okuma hatası');
    const cancelledEn = await pdfText(await renderInvoicePdf(invoiceDocument(record({ status: 'CANCELLED', language: 'en' }))));
    expect(cancelledEn).toMatch(/^\s*CANCELLED\s*$/m);

    const credit = record({
      kind: 'CREDIT_NOTE',
      number: 'CN-2026-000007',
      correctsNumber: '2026-000042',
      netKurus: -123456n,
      vatKurus: -24691n,
      grossKurus: -148147n,
      lines: [],
    });
    const creditTr = await pdfText(await renderInvoicePdf(invoiceDocument(credit)));
    expect(creditTr).toContain('İADE FATURASI');
    expect(creditTr).toMatch(/Düzeltilen fatura\s+2026-000042/);
    expect(creditTr).toMatch(/İade tutarı\s+-1\.481,47 TL/);
    const creditEn = await pdfText(await renderInvoicePdf(invoiceDocument({ ...credit, language: 'en' })));
    expect(creditEn).toContain('CREDIT NOTE');
    expect(creditEn).toMatch(/Total credited\s+-TRY 1,481.47/);
  });

  it('keeps every letter’s text after another document composed it (the fonts are shared)', async () => {
    const composed = record();
    composed.current.tenant.name = 'ÇÖİĞÜŞ çöığüş';
    await renderInvoicePdf(invoiceDocument({ ...composed, status: 'DRAFT' }));
    const plain = record({ status: 'DRAFT' });
    plain.current.tenant.name = 'COIGUS coigus';
    expect(await pdfText(await renderInvoicePdf(invoiceDocument(plain)))).toContain('COIGUS coigus');
  });

  it('breaks many lines over pages, repeating the column titles', async () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ ...record().lines[1], ordinal: i + 1, tier: i + 1 }));
    const text = await pdfText(await renderInvoicePdf(invoiceDocument(record({ lines: many }))));
    expect(text.split('\f').filter((p) => p.trim()).length).toBeGreaterThan(1);
    expect(text.match(/Birim fiyat/g)!.length).toBeGreaterThan(1);
    expect(text).toContain('Kademe 80');
  });

  it('takes what the snapshot lacks from today’s rows', () => {
    const current = record().current;
    expect(partiesOf(record({ snapshot: {} }))).toEqual(current);
    expect(partiesOf(record({ snapshot: { customer: { name: 42 }, address: 'Eski adres 1' } }))).toEqual({
      ...current,
      address: 'Eski adres 1',
    });
    expect(partiesOf(record({ snapshot: null }))).toEqual(current);
    const organization = { type: 'ORGANIZATIONAL', name: null, surname: null, organizationName: 'Öz Gıda A.Ş.', taxId: '1234567890' };
    expect(partiesOf(record({ snapshot: { customer: organization } })).customer).toEqual({ name: 'Öz Gıda A.Ş.', taxId: '1234567890' });
  });
});
