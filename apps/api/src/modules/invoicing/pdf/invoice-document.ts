import { z } from 'zod';
import { formatAddressLine } from '../../addresses/addresses.dto';
import { dayBefore, formatDay, formatDecimal, formatMoney, formatRate, formatShare, type InvoiceLanguage } from './invoice-format';

export type InvoiceLineComponent = 'FIXED' | 'WATER' | 'WASTEWATER' | 'FEE' | 'MINIMUM' | 'INTEREST' | 'CORRECTION';

export interface AddressParts {
  street: string | null;
  buildingNo: string | null;
  doorNo: string | null;
  neighborhood: string | null;
  district: string | null;
  city: string | null;
  name: string | null;
}

export interface InvoicePdfLine {
  ordinal: number;
  component: InvoiceLineComponent;
  tier: number | null;
  description: string;
  segmentStart: string | null;
  segmentEnd: string | null;
  quantityM3: string | null;
  unitPriceKurus: number | null;
  netKurus: bigint;
  vatRateBp: number;
  vatKurus: bigint;
  grossKurus: bigint;
}

/** An invoice as the PDF needs it (InvoicePdfRepository.find): its own columns, its lines, and today's parties. */
export interface InvoicePdfRecord {
  id: string;
  tenantId: string;
  kind: 'INVOICE' | 'CREDIT_NOTE';
  status: 'DRAFT' | 'ISSUED' | 'CANCELLED';
  number: string | null;
  numberYear: number | null;
  /** Days, YYYY-MM-DD; the period is [periodStart, periodEnd). */
  periodStart: string;
  periodEnd: string;
  issueDate: string | null;
  dueDate: string | null;
  /** Decimal strings (3 places). */
  consumptionM3: string;
  estimatedM3: string;
  netKurus: bigint;
  vatKurus: bigint;
  grossKurus: bigint;
  language: string;
  snapshot: unknown;
  pdfKey: string | null;
  cancelReason: string | null;
  /** A credit note's (or re-issue's) corrected invoice number. */
  correctsNumber: string | null;
  /** The tenant's logo (PNG or JPEG, checked drawable at upload), printed above its name; null without one. */
  logo?: Buffer | null;
  /** The parties as they are now: what a draft shows, and what fills a gap in an issued invoice's snapshot. */
  current: Parties;
  lines: InvoicePdfLine[];
}

export interface Parties {
  tenant: { name: string; taxId: string | null; taxOffice: string | null };
  customer: { name: string; taxId: string | null };
  subscriptionNo: string;
  address: AddressParts | string | null;
}

const text = z.string().trim().min(1).max(500);
const addressSchema = z.union([
  text,
  z.looseObject({ line: text }).transform((a) => a.line),
  z.looseObject({ text }).transform((a) => a.text),
  z
    .looseObject({
      street: text.nullish(),
      buildingNo: text.nullish(),
      doorNo: text.nullish(),
      neighborhood: text.nullish(),
      district: text.nullish(),
      city: text.nullish(),
      name: text.nullish(),
    })
    .transform((a): AddressParts => ({
      street: a.street ?? null,
      buildingNo: a.buildingNo ?? null,
      doorNo: a.doorNo ?? null,
      neighborhood: a.neighborhood ?? null,
      district: a.district ?? null,
      city: a.city ?? null,
      name: a.name ?? null,
    })),
]);

/**
 * The snapshot an issued invoice keeps of its parties (written by the invoicing module at issue; see
 * docs/decisions.md, "Billing: invoice documents"): `{ tenant: { name, taxId, taxOffice }, customer: { type,
 * name, surname, organizationName, taxId }, subscription: { subscriptionNo }, address: { street, buildingNo,
 * doorNo, neighborhood, district, city } }`. Every part is read leniently: what is missing or malformed is
 * taken from today's rows, so a PDF never fails on a snapshot.
 */
const snapshotSchema = z.looseObject({
  tenant: z.looseObject({ name: text, taxId: text.nullish(), taxOffice: text.nullish() }).optional().catch(undefined),
  customer: z
    .looseObject({
      type: z.string().nullish(),
      name: text.nullish(),
      surname: text.nullish(),
      organizationName: text.nullish(),
      taxId: text.nullish(),
    })
    .optional()
    .catch(undefined),
  subscription: z
    .looseObject({ subscriptionNo: text.optional().catch(undefined) })
    .optional()
    .catch(undefined),
  address: addressSchema.nullish().catch(undefined),
});

function customerName(c: { type?: string | null; name?: string | null; surname?: string | null; organizationName?: string | null }) {
  const person = [c.name, c.surname].filter(Boolean).join(' ');
  return (c.type === 'ORGANIZATIONAL' ? c.organizationName || person : person || c.organizationName) || null;
}

/** The parties the PDF prints: the snapshot's for an issued or cancelled invoice, today's rows for a draft and for any gap. */
export function partiesOf(record: Pick<InvoicePdfRecord, 'status' | 'snapshot' | 'current'>): Parties {
  const { current } = record;
  if (record.status === 'DRAFT') return current;
  const parsed = snapshotSchema.safeParse(record.snapshot ?? {});
  const s = parsed.success ? parsed.data : {};
  const customer = s.customer ? customerName(s.customer) : null;
  return {
    tenant: s.tenant ? { name: s.tenant.name, taxId: s.tenant.taxId ?? null, taxOffice: s.tenant.taxOffice ?? null } : current.tenant,
    customer: customer ? { name: customer, taxId: s.customer?.taxId ?? null } : current.customer,
    subscriptionNo: s.subscription?.subscriptionNo ?? current.subscriptionNo,
    address: s.address ?? current.address,
  };
}

const TEXTS = {
  tr: {
    title: { INVOICE: 'FATURA', CREDIT_NOTE: 'İADE FATURASI' },
    watermark: { DRAFT: 'TASLAK', CANCELLED: 'İPTAL' },
    number: { INVOICE: 'Fatura no', CREDIT_NOTE: 'İade faturası no' },
    unnumbered: 'Taslak (numarasız)',
    issueDate: 'Düzenleme tarihi',
    dueDate: 'Son ödeme tarihi',
    period: 'Dönem',
    subscriptionNo: 'Abone no',
    corrects: 'Düzeltilen fatura',
    customer: 'Müşteri',
    address: 'Adres',
    taxId: 'Vergi no',
    taxOffice: 'Vergi dairesi',
    consumption: 'Tüketim',
    estimated: (m3: string, share: string) => `tahmini: ${m3} m³ (${share})`,
    measured: 'tamamı ölçüm',
    columns: ['Açıklama', 'Miktar (m³)', 'Birim fiyat', 'Tutar', 'KDV oranı', 'KDV', 'Toplam'],
    tier: 'Kademe',
    components: {
      FIXED: 'Sabit ücret',
      WATER: 'Su bedeli',
      WASTEWATER: 'Atık su bedeli',
      FEE: 'Ücret / vergi',
      MINIMUM: 'Asgari ücret farkı',
      INTEREST: 'Gecikme faizi',
      CORRECTION: 'Düzeltme',
    },
    totals: { net: 'Ara toplam (KDV hariç)', vat: 'Toplam KDV', gross: { INVOICE: 'Ödenecek tutar', CREDIT_NOTE: 'İade tutarı' } },
    draftNote: 'Bu belge bir taslaktır: düzenlenmemiştir ve fatura yerine geçmez.',
    cancelledNote: (reason: string | null) => `Bu fatura iptal edilmiştir${reason ? `: ${reason}` : '.'}`,
    noLines: 'Kalem yok',
  },
  en: {
    title: { INVOICE: 'INVOICE', CREDIT_NOTE: 'CREDIT NOTE' },
    watermark: { DRAFT: 'DRAFT', CANCELLED: 'CANCELLED' },
    number: { INVOICE: 'Invoice no.', CREDIT_NOTE: 'Credit note no.' },
    unnumbered: 'Draft (unnumbered)',
    issueDate: 'Issue date',
    dueDate: 'Due date',
    period: 'Period',
    subscriptionNo: 'Subscription no.',
    corrects: 'Corrects invoice',
    customer: 'Customer',
    address: 'Address',
    taxId: 'Tax no.',
    taxOffice: 'Tax office',
    consumption: 'Consumption',
    estimated: (m3: string, share: string) => `estimated: ${m3} m³ (${share})`,
    measured: 'all measured',
    columns: ['Description', 'Quantity (m³)', 'Unit price', 'Net', 'VAT rate', 'VAT', 'Gross'],
    tier: 'Tier',
    components: {
      FIXED: 'Fixed charge',
      WATER: 'Water',
      WASTEWATER: 'Wastewater',
      FEE: 'Fee / tax',
      MINIMUM: 'Minimum charge top-up',
      INTEREST: 'Late-payment interest',
      CORRECTION: 'Correction',
    },
    totals: { net: 'Net total', vat: 'VAT total', gross: { INVOICE: 'Total due', CREDIT_NOTE: 'Total credited' } },
    draftNote: 'This document is a draft: it has not been issued and is not an invoice.',
    cancelledNote: (reason: string | null) => `This invoice has been cancelled${reason ? `: ${reason}` : '.'}`,
    noLines: 'No lines',
  },
} as const;

export interface InvoiceDocumentLine {
  /** Component (and tier), then the billing's own description and the days it covers. */
  label: string;
  detail: string;
  cells: [quantity: string, unitPrice: string, net: string, rate: string, vat: string, gross: string];
}

/** Everything the renderer prints, as finished strings in the invoice's language. */
export interface InvoiceDocument {
  language: InvoiceLanguage;
  title: string;
  watermark: string | null;
  issuer: { name: string; lines: string[]; logo: Buffer | null };
  facts: [label: string, value: string][];
  customer: { heading: string; name: string; lines: string[] };
  consumption: string;
  columns: readonly string[];
  lines: InvoiceDocumentLine[];
  emptyLines: string;
  totals: [label: string, value: string][];
  notes: string[];
  /** PDF metadata: the title, the issuer as author, and a creation date fixed by the invoice (same input, same bytes). */
  info: { title: string; author: string; creationDate: Date };
}

export function languageOf(value: string): InvoiceLanguage {
  return value.toLowerCase().startsWith('en') ? 'en' : 'tr';
}

const addressLine = (a: Parties['address']) => (a === null ? '' : typeof a === 'string' ? a : formatAddressLine(a));

/**
 * The printed invoice: the snapshot's parties (today's for drafts), the lines per component and tier,
 * the totals, and a watermark for drafts (DRAFT/TASLAK) and cancelled invoices (CANCELLED/İPTAL).
 */
export function invoiceDocument(record: InvoicePdfRecord): InvoiceDocument {
  const language = languageOf(record.language);
  const t = TEXTS[language];
  const money = (k: bigint | number) => formatMoney(k, language);
  const parties = partiesOf(record);

  const issuerLines: string[] = [];
  if (parties.tenant.taxOffice || parties.tenant.taxId)
    issuerLines.push(
      [
        parties.tenant.taxOffice && `${t.taxOffice}: ${parties.tenant.taxOffice}`,
        parties.tenant.taxId && `${t.taxId}: ${parties.tenant.taxId}`,
      ]
        .filter(Boolean)
        .join(' · '),
    );

  const facts: [string, string][] = [
    [t.number[record.kind], record.number ?? t.unnumbered],
    [t.issueDate, record.issueDate ? formatDay(record.issueDate, language) : '—'],
    [t.dueDate, record.dueDate ? formatDay(record.dueDate, language) : '—'],
    [t.period, `${formatDay(record.periodStart, language)} – ${formatDay(dayBefore(record.periodEnd), language)}`],
    [t.subscriptionNo, parties.subscriptionNo],
  ];
  if (record.correctsNumber) facts.push([t.corrects, record.correctsNumber]);

  const customerLines = [addressLine(parties.address)].filter(Boolean);
  if (parties.customer.taxId) customerLines.push(`${t.taxId}: ${parties.customer.taxId}`);

  const share = formatShare(record.estimatedM3, record.consumptionM3, language);
  const estimated = BigInt(formatDecimal(record.estimatedM3, 'en').replace(/[,.]/g, '')) !== 0n;
  const consumption = `${t.consumption}: ${formatDecimal(record.consumptionM3, language)} m³ (${
    estimated && share ? t.estimated(formatDecimal(record.estimatedM3, language), share) : t.measured
  })`;

  const lines = record.lines.map((l): InvoiceDocumentLine => {
    const days =
      l.segmentStart && l.segmentEnd ? `${formatDay(l.segmentStart, language)} – ${formatDay(dayBefore(l.segmentEnd), language)}` : '';
    return {
      label: `${t.components[l.component]}${l.tier !== null ? ` · ${t.tier} ${l.tier}` : ''}`,
      detail: [l.description, days].filter(Boolean).join(' · '),
      cells: [
        l.quantityM3 === null ? '' : formatDecimal(l.quantityM3, language),
        l.unitPriceKurus === null ? '' : money(l.unitPriceKurus),
        money(l.netKurus),
        formatRate(l.vatRateBp, language),
        money(l.vatKurus),
        money(l.grossKurus),
      ],
    };
  });

  const notes: string[] = [];
  if (record.status === 'DRAFT') notes.push(t.draftNote);
  if (record.status === 'CANCELLED') notes.push(t.cancelledNote(record.cancelReason));

  const title = t.title[record.kind];
  return {
    language,
    title,
    watermark: record.status === 'ISSUED' ? null : t.watermark[record.status],
    issuer: { name: parties.tenant.name, lines: issuerLines, logo: record.logo ?? null },
    facts,
    customer: { heading: t.customer, name: parties.customer.name, lines: customerLines },
    consumption,
    columns: t.columns,
    lines,
    emptyLines: t.noLines,
    totals: [
      [t.totals.net, money(record.netKurus)],
      [t.totals.vat, money(record.vatKurus)],
      [t.totals.gross[record.kind], money(record.grossKurus)],
    ],
    notes,
    info: {
      title: `${title} ${record.number ?? ''}`.trim(),
      author: parties.tenant.name,
      creationDate: new Date(`${record.issueDate ?? record.periodEnd}T00:00:00Z`),
    },
  };
}
