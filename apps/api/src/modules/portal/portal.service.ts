import { zipSync } from 'fflate';
import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AuditService } from '../../core/audit/audit.service';
import type { CustomerPrincipal } from '../../core/auth/portal-session';
import { csvLine } from '../../core/http/csv';
import { EntityNotFoundException, TooManyRequestsException } from '../../core/http/errors';
import { RedisService } from '../../core/redis/redis.service';
import { DocumentNotFoundError, DocumentStorage } from '../../core/storage/document-storage';
import { addressColumnsLine } from '../addresses/addresses.dto';
import { InvoicePdfService } from '../invoicing/pdf/invoice-pdf.service';
import { PaymentsService } from '../payments/payments.service';
import { localToday, resolveRange } from './consumption-range';
import {
  m3,
  mapPortalInvoice,
  type ConsentKind,
  type ConsumptionQuery,
  type PortalAlarm,
  type PortalBalance,
  type PortalConsent,
  type PortalConsumption,
  type PortalInvoice,
  type PortalInvoiceDetail,
  type PortalProfile,
  type PortalSubscription,
  type RecordConsent,
  type UpdateProfile,
} from './portal.dto';
import { EXPORT_MAX_READINGS, LIMITS, PortalRepository, type Owner } from './portal.repository';

/** Fewer subscriptions than this in a group and its average is not shown: it would tell the others' consumption. */
export const MIN_GROUP_SIZE = 5;
const LEDGER_ENTRIES = 100;
/** Data exports per account and hour: each reads every record of the customer. */
export const EXPORTS_PER_HOUR = 10;
/** Consent records per account and hour: the table is append-only, so its growth is bounded here. */
export const CONSENTS_PER_HOUR = 30;

const owner = (c: CustomerPrincipal): Owner => ({ customerId: c.customerId, tenantId: c.tenantId });
const litres = (v: string | number | null | undefined) => Math.round(Number(v ?? 0) * 1000);

export interface ExportFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

/**
 * What a signed-in customer sees of their own records (issue 19). Every read is bounded by the
 * principal's customer and tenant (PortalRepository); an id from the URL that is not the customer's
 * answers 404 as an unknown one does.
 */
@Injectable()
export class PortalService {
  private readonly exports: RateLimiterRedis;
  private readonly consentRecords: RateLimiterRedis;

  constructor(
    private readonly repository: PortalRepository,
    private readonly pdfs: InvoicePdfService,
    private readonly storage: DocumentStorage,
    private readonly audit: AuditService,
    private readonly payments: PaymentsService,
    redis: RedisService,
  ) {
    this.exports = new RateLimiterRedis({
      storeClient: redis.client,
      keyPrefix: redis.key('portal', 'export'),
      points: EXPORTS_PER_HOUR,
      duration: 3600,
    });
    this.consentRecords = new RateLimiterRedis({
      storeClient: redis.client,
      keyPrefix: redis.key('portal', 'consent'),
      points: CONSENTS_PER_HOUR,
      duration: 3600,
    });
  }

  async profile(c: CustomerPrincipal): Promise<PortalProfile> {
    const p = await this.repository.profile(c.accountId, owner(c));
    // The session was checked a moment ago; a deleted account in between reads as a missing one.
    if (!p) throw new EntityNotFoundException('portal account');
    return {
      account: {
        email: p.email,
        language: p.language === 'en' ? 'en' : 'tr',
        createdAt: p.created_at.toISOString(),
        lastLoginAt: p.last_login_at?.toISOString() ?? null,
      },
      customer: {
        type: p.customer_type,
        name: p.name,
        surname: p.surname,
        organizationName: p.organization_name,
        phone: p.phone,
        email: p.customer_email,
      },
      tenant: {
        name: p.tenant_name,
        timeZone: p.time_zone,
        contactPhone: p.contact_phone,
        contactEmail: p.contact_email,
        hasLogo: Boolean(p.has_logo),
      },
    };
  }

  async updateProfile(c: CustomerPrincipal, input: UpdateProfile): Promise<PortalProfile> {
    if (input.language) await this.repository.updateLanguage(c.accountId, owner(c), input.language);
    if (input.phone !== undefined) {
      const before = await this.repository.customerPhone(owner(c));
      if (before && before.phone !== input.phone) {
        await this.repository.updateCustomerPhone(owner(c), input.phone);
        // The customer changed their own record: the operators' audit log shows it (no operator as the actor).
        await this.audit.record(null, {
          action: 'update',
          entityType: 'customer',
          entityId: c.customerId,
          tenantId: c.tenantId,
          before: { phone: before.phone },
          after: { phone: input.phone, by: 'portal', portalAccountId: c.accountId },
        });
      }
    }
    return this.profile(c);
  }

  async logo(c: CustomerPrincipal): Promise<{ contentType: string; image: Buffer }> {
    const logo = await this.repository.logo(c.tenantId);
    if (!logo) throw new EntityNotFoundException('logo');
    return { contentType: logo.content_type, image: logo.image };
  }

  async subscriptions(c: CustomerPrincipal): Promise<PortalSubscription[]> {
    const [rows, alarms] = await Promise.all([this.repository.subscriptions(owner(c)), this.repository.openAlarmCounts(owner(c))]);
    return rows.map((r) => ({
      id: r.id,
      subscriptionNo: r.subscription_no,
      type: r.subscription_type,
      groupName: r.group_name,
      groupNameEn: r.group_name_en,
      address: r.street || r.neighborhood || r.district || r.city || r.address_name ? addressColumnsLine(r) : null,
      isActive: r.is_active,
      meter: r.meter_id
        ? {
            id: r.meter_id,
            serialNo: r.serial_no ?? '',
            brand: r.brand ?? '',
            model: r.model_code ?? '',
            lastReading:
              r.last_index_m3 !== null && r.last_reading_at
                ? { indexM3: m3(r.last_index_m3), readAt: r.last_reading_at.toISOString(), estimated: Boolean(r.last_estimated) }
                : null,
          }
        : null,
      openAlarmCount: alarms.get(r.id) ?? 0,
    }));
  }

  async consumption(c: CustomerPrincipal, subscriptionId: string, q: ConsumptionQuery): Promise<PortalConsumption> {
    const s = await this.repository.subscription(owner(c), subscriptionId);
    if (!s) throw new EntityNotFoundException('subscription', subscriptionId);
    const today = localToday(s.time_zone);
    const range = resolveRange(q, today);
    const [days, previous, lastYear, group] = await Promise.all([
      this.repository.dailyConsumption(s.id, c.tenantId, s.time_zone, range),
      this.repository.totalConsumption(s.id, c.tenantId, s.time_zone, range.previous),
      this.repository.totalConsumption(s.id, c.tenantId, s.time_zone, range.lastYear),
      this.repository.groupConsumption(s.group_id, c.tenantId, s.time_zone, range, today),
    ]);
    // Sums in whole litres, so m³ totals are exact to three decimals.
    const byPeriod = new Map(range.periods.map((p) => [p, { litres: 0, estimated: false }]));
    for (const d of days) {
      const point = byPeriod.get(range.granularity === 'day' ? d.day : d.day.slice(0, 7));
      if (!point) continue;
      point.litres += litres(d.m3);
      point.estimated ||= d.estimated;
    }
    const points = [...byPeriod].map(([period, p]) => ({ period, consumptionM3: p.litres / 1000, estimated: p.estimated }));
    return {
      granularity: range.granularity,
      from: range.from,
      to: range.to,
      unit: 'm3',
      points,
      totalM3: points.reduce((sum, p) => sum + litres(p.consumptionM3), 0) / 1000,
      comparisons: {
        previousPeriodM3: Number(previous) / 1000,
        sameMonthLastYearM3: Number(lastYear) / 1000,
        groupAverageM3: group.subscriptions >= MIN_GROUP_SIZE ? Math.round(group.litres / group.subscriptions) / 1000 : null,
      },
    };
  }

  async alarms(c: CustomerPrincipal, status: 'open' | 'all'): Promise<PortalAlarm[]> {
    const rows = await this.repository.alarms(owner(c), status === 'open');
    return rows.map((a) => ({
      id: a.id,
      type: a.type,
      status: a.cleared_at ? 'cleared' : 'open',
      subscriptionNo: a.subscription_no,
      meterSerialNo: a.serial_no,
      openedAt: a.started_at.toISOString(),
      clearedAt: a.cleared_at?.toISOString() ?? null,
      // The web keeps the advice texts per alarm type (tr/en).
      adviceKey: a.type,
    }));
  }

  async invoices(c: CustomerPrincipal): Promise<PortalInvoice[]> {
    return (await this.repository.invoices(owner(c))).map(mapPortalInvoice);
  }

  async invoice(c: CustomerPrincipal, id: string): Promise<PortalInvoiceDetail> {
    const i = await this.repository.invoice(owner(c), id);
    if (!i) throw new EntityNotFoundException('invoice', id);
    const lines = await this.repository.invoiceLines(i.id, c.tenantId);
    return {
      ...mapPortalInvoice(i),
      consumptionM3: m3(i.consumption_m3),
      estimatedM3: m3(i.estimated_m3),
      netKurus: i.net_kurus,
      vatKurus: i.vat_kurus,
      currency: i.currency,
      lines: lines.map((l) => ({
        ordinal: l.ordinal,
        component: l.component,
        tier: l.tier,
        description: l.description,
        segmentStart: l.segment_start,
        segmentEnd: l.segment_end,
        quantityM3: l.quantity_m3 === null ? null : m3(l.quantity_m3),
        unitPriceKurus: l.unit_price_kurus,
        netKurus: l.net_kurus,
        vatRateBp: l.vat_rate_bp,
        vatKurus: l.vat_kurus,
        grossKurus: l.gross_kurus,
      })),
    };
  }

  /** The invoice's stored PDF (issued or cancelled with its watermark), rendered and stored first when missing. */
  async invoicePdf(c: CustomerPrincipal, id: string): Promise<{ fileName: string; body: Readable | Buffer }> {
    const i = await this.repository.invoice(owner(c), id);
    if (!i) throw new EntityNotFoundException('invoice', id);
    const fileName = `${i.number ?? i.id}${i.status === 'CANCELLED' ? '-cancelled' : ''}.pdf`;
    for (let attempt = 0; ; attempt++) {
      const key = await this.pdfs.render(i.id);
      if (!key) throw new EntityNotFoundException('invoice', id);
      try {
        return { fileName, body: await this.storage.get(key) };
      } catch (err) {
        // Removed between rendering and reading (an operator's clean-up): render once more.
        if (!(err instanceof DocumentNotFoundError) || attempt > 0) throw err;
      }
    }
  }

  async balance(c: CustomerPrincipal): Promise<PortalBalance> {
    const { time_zone } = await this.repository.timeZone(c.tenantId);
    const [b, entries] = await Promise.all([
      this.payments.customerBalance(c.tenantId, c.customerId, localToday(time_zone)),
      this.repository.ledger(owner(c), LEDGER_ENTRIES),
    ]);
    return {
      ...b,
      entries: entries.map((e) => ({
        id: e.id,
        bookedAt: e.booked_at.toISOString(),
        kind: e.kind,
        description: e.description,
        invoiceNumber: e.invoice_number,
        amountKurus: e.amount,
        balanceKurus: e.running,
      })),
    };
  }

  async consents(c: CustomerPrincipal): Promise<PortalConsent[]> {
    const rows = await this.repository.consents(c.accountId, c.tenantId);
    const byKind = new Map<string, PortalConsent>();
    for (const r of rows) {
      const record = { version: r.version, granted: r.granted, at: r.created_at.toISOString() };
      const current = byKind.get(r.kind);
      if (current) current.history.push(record);
      else byKind.set(r.kind, { kind: r.kind, ...record, history: [record] });
    }
    return [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  }

  async recordConsent(
    c: CustomerPrincipal,
    input: RecordConsent,
    client: { ip: string | null; userAgent: string | null },
  ): Promise<{ kind: ConsentKind; version: string; granted: boolean; at: string }> {
    await limited(this.consentRecords, c.accountId, 'too many consent changes, try again later');
    const row = await this.repository.recordConsent({
      accountId: c.accountId,
      tenantId: c.tenantId,
      kind: input.kind,
      version: input.version,
      granted: input.granted,
      ipAddress: client.ip?.slice(0, 64) ?? null,
      userAgent: client.userAgent?.replace(/\0/g, '').slice(0, 300) ?? null,
    });
    return { kind: input.kind, version: row.version, granted: row.granted, at: row.created_at.toISOString() };
  }

  /**
   * "Download my data" (KVKK): the customer's own records as one JSON document or a ZIP of CSV files.
   * Readings are capped at EXPORT_MAX_READINGS, newest first (the document says when it was cut).
   */
  async export(c: CustomerPrincipal, format: 'json' | 'csv'): Promise<ExportFile> {
    await limited(this.exports, c.accountId, 'too many data exports, try again later');
    const o = owner(c);
    const [profile, subscriptions, meterHistory, readings, days, alarms, invoices, payments, consents, notifications] = await Promise.all([
      this.profile(c),
      this.subscriptions(c),
      this.repository.meterHistory(o),
      this.repository.readings(o, EXPORT_MAX_READINGS + 1),
      this.repository.dailyConsumptionOfCustomer(o),
      this.alarms(c, 'all'),
      this.invoices(c),
      this.repository.payments(o),
      this.consents(c),
      this.repository.notifications(c.accountId),
    ]);
    const truncated = readings.length > EXPORT_MAX_READINGS;
    const tables = {
      subscriptions: subscriptions.map((s) => ({
        subscriptionNo: s.subscriptionNo,
        type: s.type,
        groupName: s.groupName,
        groupNameEn: s.groupNameEn,
        address: s.address,
        isActive: s.isActive,
        meterSerialNo: s.meter?.serialNo ?? null,
      })),
      meters: meterHistory.map((m) => ({
        subscriptionNo: m.subscription_no,
        meterSerialNo: m.serial_no,
        startedAt: m.started_at.toISOString(),
        endedAt: m.ended_at?.toISOString() ?? null,
        initialIndexM3: m3(m.initial_index_m3),
        finalIndexM3: m.final_index_m3 === null ? null : m3(m.final_index_m3),
      })),
      readings: readings.slice(0, EXPORT_MAX_READINGS).map((r) => ({
        time: r.time.toISOString(),
        subscriptionNo: r.subscription_no,
        meterSerialNo: r.serial_no,
        indexM3: m3(r.index_m3),
        consumptionM3: r.consumption_m3 === null ? null : m3(r.consumption_m3),
        quality: r.quality,
        source: r.source,
      })),
      dailyConsumption: days.map((d) => ({
        day: d.day,
        subscriptionNo: d.subscription_no,
        meterSerialNo: d.serial_no,
        consumptionM3: m3(d.m3),
        estimatedM3: m3(d.estimated_m3),
      })),
      alarms: alarms.map(({ adviceKey: _advice, ...a }) => a),
      invoices,
      payments: payments.map((p) => ({
        id: p.id,
        kind: p.kind,
        method: p.method,
        amountKurus: p.amount,
        currency: p.currency,
        receivedAt: p.received_at.toISOString(),
        receiptNo: p.receipt_no,
        subscriptionNo: p.subscription_no,
      })),
      consents: consents.flatMap((k) => k.history.map((h) => ({ kind: k.kind, ...h }))),
      notifications: notifications.map((n) => ({
        id: n.id,
        eventType: n.event_type,
        severity: n.severity,
        title: n.title,
        body: n.body,
        createdAt: n.created_at.toISOString(),
        readAt: n.read_at?.toISOString() ?? null,
      })),
    };
    const exportedAt = new Date();
    const stamp = exportedAt.toISOString().slice(0, 10);
    // A table that reached its cap holds its newest rows only: the document says so.
    const cut = (Object.keys(LIMITS) as (keyof typeof LIMITS)[]).filter((k) =>
      k === 'readings' ? truncated : tables[k].length >= LIMITS[k],
    );
    const meta = {
      exportedAt: exportedAt.toISOString(),
      readingsCap: EXPORT_MAX_READINGS,
      readingsTruncated: truncated,
      limits: LIMITS,
      truncatedTables: cut,
    };
    if (format === 'json') {
      return {
        fileName: `my-data-${stamp}.json`,
        contentType: 'application/json; charset=utf-8',
        body: Buffer.from(JSON.stringify({ ...meta, profile, ...tables }, null, 2)),
      };
    }
    const files = [
      { name: 'export.csv', data: csv([meta]) },
      {
        name: 'profile.csv',
        data: csv([{ ...prefix('account', profile.account), ...prefix('customer', profile.customer), tenant: profile.tenant.name }]),
      },
      ...Object.entries(tables).map(([name, rows]) => ({ name: `${name}.csv`, data: csv(rows as Record<string, unknown>[]) })),
    ];
    return {
      fileName: `my-data-${stamp}.zip`,
      contentType: 'application/zip',
      body: Buffer.from(zipSync(Object.fromEntries(files.map((f) => [f.name, [f.data, { mtime: exportedAt }]])))),
    };
  }
}

/** Counts one call against `limiter` for `key`; 429 with the wait when the allowance is spent. */
async function limited(limiter: RateLimiterRedis, key: string, message: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    throw new TooManyRequestsException(message, Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
  }
}

const prefix = (p: string, o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p}.${k}`, v]));

/** CSV with a UTF-8 byte-order mark (spreadsheets then read Turkish letters right); an empty table is a file with the mark only. */
function csv(rows: readonly Record<string, unknown>[]): Buffer {
  const headers = rows.length ? Object.keys(rows[0]) : [];
  return Buffer.from(`\uFEFF${csvLine(headers)}${rows.map((r) => csvLine(headers.map((h) => r[h]))).join('')}`, 'utf8');
}
