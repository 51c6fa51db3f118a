import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import type { QualityDayRecord, QualityMeterRecord, QualityRuleRecord } from './quality-report.dto';

/** The latest local "today" among the tenants (they may sit in different zones). */
const lastDay = (tenantIds: string[]) =>
  sql<string>`(SELECT max((now() AT TIME ZONE time_zone)::date) FROM tenant WHERE id IN (${sql.join(tenantIds)}))`;

const COUNTS = sql`count(*) FILTER (WHERE q.quality = 'VALID')::int AS valid,
  count(*) FILTER (WHERE q.quality = 'SUSPECT')::int AS suspect,
  count(*) FILTER (WHERE q.quality = 'ESTIMATED')::int AS estimated,
  count(*) FILTER (WHERE q.quality = 'EDITED')::int AS edited`;

/**
 * Quality counts of the readings of some tenants over their last `days` local days. The time bound is a
 * scalar subquery (one InitPlan) a day wider than the range, so the (tenant_id, time) index narrows the
 * scan; the exact local day is then taken in each reading's tenant zone.
 */
@Injectable()
export class QualityReportRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.db;
  }

  private scoped(tenantIds: string[], days: number): RawBuilder<unknown> {
    const to = lastDay(tenantIds);
    return sql`(
      SELECT r.meter_id, r.tenant_id, r.quality, r.quality_rule, (r.time AT TIME ZONE t.time_zone)::date AS day
        FROM reading r
        JOIN tenant t ON t.id = r.tenant_id
       WHERE r.tenant_id IN (${sql.join(tenantIds)})
         AND r.time >= (${to} - ${days}::int)::timestamptz
         AND r.time < (${to} + 2)::timestamptz
         AND (r.time AT TIME ZONE t.time_zone)::date BETWEEN ${to} - (${days}::int - 1) AND ${to}
    )`;
  }

  async range(tenantIds: string[], days: number): Promise<{ from: string; to: string } | null> {
    const { rows } = await sql<{ from: string | null; to: string | null }>`
      SELECT to_char(d - (${days}::int - 1), 'YYYY-MM-DD') AS "from", to_char(d, 'YYYY-MM-DD') AS "to" FROM (SELECT ${lastDay(tenantIds)} AS d) x
    `.execute(this.db);
    const r = rows[0];
    return r?.from && r.to ? { from: r.from, to: r.to } : null;
  }

  async byDay(tenantIds: string[], days: number): Promise<QualityDayRecord[]> {
    const to = lastDay(tenantIds);
    const { rows } = await sql<QualityDayRecord>`
      SELECT to_char(g.day, 'YYYY-MM-DD') AS day,
             coalesce(c.valid, 0) AS valid, coalesce(c.suspect, 0) AS suspect,
             coalesce(c.estimated, 0) AS estimated, coalesce(c.edited, 0) AS edited
        FROM generate_series(${to} - (${days}::int - 1), ${to}, interval '1 day') AS g(day)
        LEFT JOIN (SELECT q.day, ${COUNTS} FROM ${this.scoped(tenantIds, days)} q GROUP BY q.day) c ON c.day = g.day::date
       ORDER BY g.day
    `.execute(this.db);
    return rows;
  }

  async topMeters(tenantIds: string[], days: number, limit: number): Promise<QualityMeterRecord[]> {
    const { rows } = await sql<QualityMeterRecord>`
      SELECT c.meter_id, m.serial_no, m.tenant_id, t.name AS tenant_name, c.issues, c.valid, c.suspect, c.estimated, c.edited
        FROM (SELECT q.meter_id, count(*) FILTER (WHERE q.quality <> 'VALID')::int AS issues, ${COUNTS}
                FROM ${this.scoped(tenantIds, days)} q
               WHERE q.meter_id IS NOT NULL
               GROUP BY q.meter_id) c
        JOIN meter m ON m.id = c.meter_id
        JOIN tenant t ON t.id = m.tenant_id
       WHERE c.issues > 0
       ORDER BY c.issues DESC, m.serial_no
       LIMIT ${limit}
    `.execute(this.db);
    return rows;
  }

  async rules(tenantIds: string[], days: number): Promise<QualityRuleRecord[]> {
    const { rows } = await sql<QualityRuleRecord>`
      SELECT q.quality_rule AS rule, q.quality, count(*)::int AS count
        FROM ${this.scoped(tenantIds, days)} q
       WHERE q.quality_rule IS NOT NULL
       GROUP BY q.quality_rule, q.quality
       ORDER BY count DESC, rule
    `.execute(this.db);
    return rows;
  }
}
