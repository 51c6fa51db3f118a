import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { AccessContext } from '../../core/access/access-context';
import { BadInputException } from '../../core/http/errors';
import { columnsOf, exportTable, type ExportColumn, type ExportFile, type ExportOptions } from '../../core/http/export';
import { AlarmsService } from '../alarms/alarms.service';
import { AlarmRowSchema, ListAlarmsQuerySchema } from '../alarms/alarms.dto';
import { CustomersService } from '../customers/customers.service';
import { CustomerRowSchema, ListCustomersQuerySchema } from '../customers/customers.dto';
import { DevicesService } from '../devices/devices.service';
import { DeviceRowSchema, ListDevicesQuerySchema } from '../devices/devices.dto';
import { MetersService } from '../meters/meters.service';
import { ListMetersQuerySchema, MeterRowSchema } from '../meters/meters.dto';
import { ReadingsService } from '../readings/readings.service';
import { ConsumptionQuerySchema, LiveReadingSchema, LiveReadingsQuerySchema } from '../readings/readings.dto';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { ListSubscriptionsQuerySchema, SubscriptionRowSchema } from '../subscriptions/subscriptions.dto';
import type { ExportQuery } from './exports.dto';

/** Rows fetched per page of an asset list (offset pages, as the list itself pages). */
const PAGE = 1000;
/** Readings per keyset page: the live table's `before` cursor, so a million rows cost a million index steps, not a quadratic offset. */
const READINGS_PAGE = 5000;

export type ExportableList = 'readings' | 'meters' | 'devices' | 'customers' | 'subscriptions' | 'alarms';
export type ConsumptionOwner = 'meters' | 'subscriptions' | 'customers';

/** Values may be null for buckets yet to come (a consumption answer's own convention). */
interface Series {
  values: (number | null)[];
}

/**
 * Every console list as CSV or XLSX, streamed: the list's own service is asked page after page with
 * the caller's access context, so an export holds the same rows, filters, order and access rules as
 * the list (same permission, same tenant filter, row-level security underneath), one page in memory.
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly readings: ReadingsService,
    private readonly meters: MetersService,
    private readonly devices: DevicesService,
    private readonly customers: CustomersService,
    private readonly subscriptions: SubscriptionsService,
    private readonly alarms: AlarmsService,
  ) {}

  /**
   * Checks the filters and the caller's scope (404/403 as the list would answer) before the first
   * byte, then streams. The first page is read here, so a refused filter never becomes a broken file.
   */
  async export(access: AccessContext, list: ExportableList, q: ExportQuery): Promise<ExportFile> {
    const { format, locale, timeZone, ...rest } = q;
    const options: ExportOptions = { format, locale, timeZone };
    switch (list) {
      case 'readings': {
        const query = parse(LiveReadingsQuerySchema, { ...rest, pageSize: '1' });
        if (query.before)
          throw new BadInputException('before is not an export filter', [{ path: ['query', 'before'], message: 'not allowed' }]);
        const first = await this.readings.live(access, { ...query, pageSize: READINGS_PAGE });
        const readings = this.readings;
        const batches = (async function* () {
          let page = first;
          for (;;) {
            yield page.items;
            if (!page.nextCursor) return;
            page = await readings.live(access, { ...query, pageSize: READINGS_PAGE, before: cursorOf(page.nextCursor) });
          }
        })();
        return exportTable(columnsOf(LiveReadingSchema), batches, options, 'Readings');
      }
      case 'meters':
        return this.paged(options, 'Meters', MeterRowSchema, parse(ListMetersQuerySchema, rest), (p) => this.meters.list(access, p));
      case 'devices':
        return this.paged(options, 'Devices', DeviceRowSchema, parse(ListDevicesQuerySchema, rest), (p) => this.devices.list(access, p));
      case 'customers':
        return this.paged(options, 'Customers', CustomerRowSchema, parse(ListCustomersQuerySchema, rest), (p) =>
          this.customers.list(access, p),
        );
      case 'subscriptions':
        return this.paged(options, 'Subscriptions', SubscriptionRowSchema, parse(ListSubscriptionsQuerySchema, rest), (p) =>
          this.subscriptions.list(access, p),
        );
      case 'alarms':
        return this.paged(options, 'Alarms', AlarmRowSchema, parse(ListAlarmsQuerySchema, rest), (p) => this.alarms.list(access, p));
    }
  }

  /**
   * A consumption table (a meter's, a subscription's or a customer's, as its chart shows it): one row a
   * bucket (hour, day or month in the tenant's zone), the total, the estimated share, and a column for
   * each meter, device or subscription of the answer. At most a year of hours, so it is built whole.
   */
  async consumption(access: AccessContext, owner: ConsumptionOwner, id: string, q: ExportQuery): Promise<ExportFile> {
    const { format, locale, timeZone, ...rest } = q;
    const query = parse(ConsumptionQuerySchema, rest);
    const answer =
      owner === 'meters'
        ? await this.readings.meterConsumption(access, id, query)
        : owner === 'subscriptions'
          ? await this.readings.subscriptionConsumption(access, id, query)
          : await this.readings.customerConsumption(access, id, query);
    const series: { header: string; s: Series }[] = [
      { header: 'totalM3', s: answer },
      ...(answer.estimated ? [{ header: 'estimatedM3', s: answer.estimated as unknown as Series }] : []),
      ...(answer.byMeter ?? []).map((m) => ({ header: `meter ${m.serialNo}`, s: m })),
      ...(answer.byDevice ?? []).map((d) => ({ header: `device ${d.serialNo ?? d.deviceId}`, s: d })),
      ...(answer.bySubscription ?? []).map((b) => ({ header: `subscription ${b.subscriptionNo}`, s: b })),
    ];
    const columns: ExportColumn<number>[] = [
      { header: 'bucketStart', value: (i) => answer.bucketStarts[i] },
      ...series.map(({ header, s }) => ({ header, value: (i: number) => s.values[i] ?? null })),
    ];
    const rows = answer.bucketStarts.map((_, i) => i);
    const batches = (async function* () {
      for (let i = 0; i < rows.length; i += 1000) yield rows.slice(i, i + 1000);
    })();
    return exportTable(columns, batches, { format, locale, timeZone }, 'Consumption');
  }

  private async paged<Q extends { page: number; pageSize: number }, R>(
    options: ExportOptions,
    sheet: string,
    rowSchema: z.ZodObject,
    query: Q,
    list: (q: Q) => Promise<{ items: R[]; total: number }>,
  ): Promise<ExportFile> {
    const first = await list({ ...query, page: 1, pageSize: PAGE });
    const batches = (async function* () {
      let page = first;
      for (let n = 1; ; n++) {
        yield page.items;
        if (page.items.length < PAGE) return;
        page = await list({ ...query, page: n + 1, pageSize: PAGE });
      }
    })();
    return exportTable(columnsOf<R>(rowSchema), batches, options, sheet);
  }
}

/** The list's own query schema decides what the filters mean; page and pageSize are the export's business. */
function parse<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.infer<S> {
  const { page, pageSize, ...rest } = raw;
  void page;
  const result = schema.safeParse({ ...rest, ...(pageSize !== undefined ? { pageSize } : {}) });
  if (!result.success) {
    const details = result.error.issues.map((i) => ({
      path: ['query', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      message: i.message,
    }));
    throw new BadInputException(details.map((d) => `${d.path.join('.')}: ${d.message}`).join('; '), details);
  }
  return result.data;
}

/** The live table's next-page cursor (`<ISO time>_<device id>`) as its query takes it. */
function cursorOf(cursor: string): { time: Date; deviceId: string } {
  const i = cursor.indexOf('Z_');
  return { time: new Date(cursor.slice(0, i + 1)), deviceId: cursor.slice(i + 2).toLowerCase() };
}
