import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { columnsOf, exportTable, type ExportFile, type ExportOptions } from '../../core/http/export';
import {
  AgingRowSchema,
  BilledCollectedRowSchema,
  GroupMonthSchema,
  mapAgingAmounts,
  mapAgingRow,
  mapBilledCollected,
  mapGroupMonth,
  type Aging,
  type AgingExportQuery,
  type AgingQuery,
  type AgingRow,
  type BilledCollected,
  type BilledCollectedRow,
  type GroupMonth,
  type MonthsQuery,
} from './billing-reports.dto';
import { BillingReportsRepository, type MonthRange } from './billing-reports.repository';

/** The month after `m` (YYYY-MM) as its first day. */
function firstDayAfter(m: string): string {
  const y = Number(m.slice(0, 4));
  const mo = Number(m.slice(5, 7));
  return mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
}

const rangeOf = (q: { from: string; to: string }): MonthRange => ({ from: `${q.from}-01`, to: firstDayAfter(q.to) });

async function* once<R>(rows: R[]) {
  yield rows;
}

/**
 * Billing reports (issue 18) over the caller's BILLING-readable tenants (a subtree when asked): billed vs
 * collected per month, aging of outstanding amounts, consumption and revenue by subscription group.
 * What each figure counts: docs/decisions.md, "Billing: dunning" (reports).
 */
@Injectable()
export class BillingReportsService {
  constructor(private readonly reports: BillingReportsRepository) {}

  async billedCollected(access: AccessContext, q: MonthsQuery): Promise<BilledCollected> {
    const tenantIds = access.tenantIds('BILLING', 'read', q.tenantId);
    const items = tenantIds.length ? (await this.reports.billedCollected(tenantIds, rangeOf(q))).map(mapBilledCollected) : [];
    const sum = (k: keyof Omit<BilledCollectedRow, 'month'>) => items.reduce((n, r) => n + r[k], 0);
    return {
      from: q.from,
      to: q.to,
      items,
      totals: {
        invoicedKurus: sum('invoicedKurus'),
        creditedKurus: sum('creditedKurus'),
        interestKurus: sum('interestKurus'),
        billedKurus: sum('billedKurus'),
        collectedKurus: sum('collectedKurus'),
      },
    };
  }

  async aging(access: AccessContext, q: AgingQuery): Promise<Aging> {
    const tenantIds = access.tenantIds('BILLING', 'read', q.tenantId);
    const { rows, totals, customers } = await this.reports.aging(tenantIds, q.asOf ?? null, {
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    return {
      asOf: q.asOf ?? null,
      totals: mapAgingAmounts(totals),
      items: rows.map(mapAgingRow),
      total: customers,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async byGroup(access: AccessContext, q: MonthsQuery): Promise<{ from: string; to: string; items: GroupMonth[] }> {
    const tenantIds = access.tenantIds('BILLING', 'read', q.tenantId);
    const items = tenantIds.length ? (await this.reports.byGroup(tenantIds, rangeOf(q))).map(mapGroupMonth) : [];
    return { from: q.from, to: q.to, items };
  }

  async exportBilledCollected(access: AccessContext, q: MonthsQuery & ExportOptions): Promise<ExportFile> {
    const { items } = await this.billedCollected(access, q);
    return exportTable(columnsOf<BilledCollectedRow>(BilledCollectedRowSchema), once(items), q, 'billed-collected');
  }

  /** Every customer with something outstanding, a page of 1 000 at a time. */
  exportAging(access: AccessContext, q: AgingExportQuery): ExportFile {
    const tenantIds = access.tenantIds('BILLING', 'read', q.tenantId);
    const reports = this.reports;
    const pageSize = 1000;
    async function* batches() {
      for (let offset = 0; ; offset += pageSize) {
        const { rows } = await reports.aging(tenantIds, q.asOf ?? null, { limit: pageSize, offset });
        if (rows.length) yield rows.map(mapAgingRow);
        if (rows.length < pageSize) return;
      }
    }
    return exportTable(columnsOf<AgingRow>(AgingRowSchema), batches(), q, 'aging');
  }

  async exportByGroup(access: AccessContext, q: MonthsQuery & ExportOptions): Promise<ExportFile> {
    const { items } = await this.byGroup(access, q);
    return exportTable(columnsOf<GroupMonth>(GroupMonthSchema), once(items), q, 'by-group');
  }
}
