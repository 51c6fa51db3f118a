import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { mapQualityReport, TOP_METERS, type QualityReport, type QualityReportQuery } from './quality-report.dto';
import { QualityReportRepository } from './quality-report.repository';

/** The data-quality view of a tenant subtree: shares by day, the meters with most issues, the rules that fired. */
@Injectable()
export class QualityReportService {
  constructor(private readonly reports: QualityReportRepository) {}

  async report(access: AccessContext, q: QualityReportQuery): Promise<QualityReport> {
    const tenantIds = access.tenantIds('LIVE_READINGS', 'read', q.tenantId);
    const range = tenantIds.length ? await this.reports.range(tenantIds, q.days) : null;
    if (!range) return { from: '', to: '', days: [], meters: [], rules: [] };
    const [days, meters, rules] = await Promise.all([
      this.reports.byDay(tenantIds, q.days),
      this.reports.topMeters(tenantIds, q.days, TOP_METERS),
      this.reports.rules(tenantIds, q.days),
    ]);
    return mapQualityReport(range, days, meters, rules);
  }
}
