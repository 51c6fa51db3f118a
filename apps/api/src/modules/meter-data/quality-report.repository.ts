import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import type { QualityDayRecord, QualityMeterRecord, QualityRuleRecord } from './quality-report.dto';

/** The latest local "today" among the tenants (they may sit in different zones). */
const lastDay = (tenantIds: string[]) =>
  sql<string>`(SELECT max((now() AT TIME ZONE time_zone)::date) FROM tenant WHERE id IN (${sql.join(tenantIds)}))`;

/**
 * Quality counts of the readings of some tenants over their last `days` local days, from the quality
 * rollup (migration 0023) wherever a day's counts hold, and from the readings for the other days only
 * (today, a day not counted yet or changed since it was counted). Every query below starts with the same
 * two steps: `p`, each (tenant, day) of the range with whether its counts hold, and `raw`, the readings of
 * the days whose counts do not, each read through the (tenant_id, time) index for that day alone.
 */
@Injectable()
export class QualityReportRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.db;
  }

  /**
   * Runs a report statement with JIT off. The planner cannot know how few days are read from their
   * readings, so it costs the range's every reading and crosses jit_above_cost: compiling then took
   * 1.2–1.9 s for 10–60 ms of work (EXPLAIN ANALYZE at 4.4M readings, docs/decisions.md).
   */
  private async run<R>(query: RawBuilder<R>): Promise<R[]> {
    return this.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL jit = off`.execute(trx);
      return (await query.execute(trx)).rows;
    });
  }

  private counted(tenantIds: string[], days: number, body: RawBuilder<unknown>): RawBuilder<unknown> {
    const to = lastDay(tenantIds);
    return sql`
      WITH p AS MATERIALIZED (
        SELECT t.id AS tenant_id, g.day::date AS day, coalesce(q.counted_version = q.version, false) AS good,
               g.day::date::timestamp AT TIME ZONE t.time_zone AS t0, (g.day::date + 1)::timestamp AT TIME ZONE t.time_zone AS t1
          FROM tenant t
         CROSS JOIN generate_series(${to} - (${days}::int - 1), ${to}, interval '1 day') AS g(day)
          LEFT JOIN quality_day q ON q.tenant_id = t.id AND q.day = g.day::date
         WHERE t.id IN (${sql.join(tenantIds)})
      ), raw AS MATERIALIZED (
        -- OFFSET 0 keeps the subquery a scan per day (an index range): flattened, the planner may join a
        -- sequential scan of every reading to the days instead (164 s at 4.4M readings, docs/decisions.md).
        -- The bounds are plain columns of p: a qual calling a function that is not leakproof (AT TIME ZONE)
        -- cannot be an index condition under row-level security.
        SELECT p.day, r.meter_id, r.quality, r.quality_rule
          FROM p
         CROSS JOIN LATERAL (
               SELECT r.meter_id, r.quality, r.quality_rule FROM reading r
                WHERE r.tenant_id = p.tenant_id AND r.time >= p.t0 AND r.time < p.t1
               OFFSET 0) r
         WHERE NOT p.good
      )
      ${body}`;
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
    const rows = await this.run(
      this.counted(
        tenantIds,
        days,
        sql`
      SELECT to_char(g.day, 'YYYY-MM-DD') AS day,
             coalesce(c.valid, 0) AS valid, coalesce(c.suspect, 0) AS suspect,
             coalesce(c.estimated, 0) AS estimated, coalesce(c.edited, 0) AS edited
        FROM generate_series(${to} - (${days}::int - 1), ${to}, interval '1 day') AS g(day)
        LEFT JOIN (
              SELECT x.day,
                     sum(x.n) FILTER (WHERE x.quality = 'VALID')::int AS valid, sum(x.n) FILTER (WHERE x.quality = 'SUSPECT')::int AS suspect,
                     sum(x.n) FILTER (WHERE x.quality = 'ESTIMATED')::int AS estimated, sum(x.n) FILTER (WHERE x.quality = 'EDITED')::int AS edited
                FROM (SELECT d.day, d.quality, d.readings AS n
                        FROM tenant_daily_quality d JOIN p ON p.tenant_id = d.tenant_id AND p.day = d.day AND p.good
                      UNION ALL
                      SELECT raw.day, raw.quality, count(*) FROM raw GROUP BY raw.day, raw.quality) x
               GROUP BY x.day) c ON c.day = g.day::date
       ORDER BY g.day`,
      ),
    );
    return rows as QualityDayRecord[];
  }

  /**
   * The meters with most readings not VALID. Their VALID count is the rest of their readings in the
   * range, from the meter rollup's reading count (kept exact by the worker and every edit), so the
   * quality rollup stores meters only on their days with issues.
   */
  async topMeters(tenantIds: string[], days: number, limit: number): Promise<QualityMeterRecord[]> {
    const to = lastDay(tenantIds);
    const rows = await this.run(
      this.counted(
        tenantIds,
        days,
        sql`, issues AS (
        SELECT x.meter_id, sum(x.suspect)::int AS suspect, sum(x.estimated)::int AS estimated, sum(x.edited)::int AS edited
          FROM (SELECT d.meter_id, d.suspect, d.estimated, d.edited
                  FROM meter_daily_quality d JOIN p ON p.tenant_id = d.tenant_id AND p.day = d.day AND p.good
                UNION ALL
                SELECT raw.meter_id, count(*) FILTER (WHERE raw.quality = 'SUSPECT'), count(*) FILTER (WHERE raw.quality = 'ESTIMATED'),
                       count(*) FILTER (WHERE raw.quality = 'EDITED')
                  FROM raw WHERE raw.meter_id IS NOT NULL GROUP BY raw.meter_id) x
         GROUP BY x.meter_id
      ), top AS (
        SELECT i.*, i.suspect + i.estimated + i.edited AS issues, m.serial_no, m.tenant_id, t.name AS tenant_name
          FROM issues i JOIN meter m ON m.id = i.meter_id JOIN tenant t ON t.id = m.tenant_id
         WHERE i.suspect + i.estimated + i.edited > 0
         ORDER BY issues DESC, m.serial_no
         LIMIT ${limit}
      )
      SELECT top.meter_id, top.serial_no, top.tenant_id, top.tenant_name, top.issues,
             greatest(coalesce(v.n, 0) - top.issues, 0) AS valid, top.suspect, top.estimated, top.edited
        FROM top
        LEFT JOIN LATERAL (SELECT sum(c.reading_count)::int AS n FROM meter_daily_consumption c
                            WHERE c.meter_id = top.meter_id AND c.day BETWEEN ${to} - (${days}::int - 1) AND ${to}) v ON true
       ORDER BY top.issues DESC, top.serial_no`,
      ),
    );
    return rows as QualityMeterRecord[];
  }

  async rules(tenantIds: string[], days: number): Promise<QualityRuleRecord[]> {
    const rows = await this.run(
      this.counted(
        tenantIds,
        days,
        sql`
      SELECT x.rule, x.quality, sum(x.n)::int AS count
        FROM (SELECT d.rule, d.quality, d.readings AS n
                FROM tenant_daily_quality d JOIN p ON p.tenant_id = d.tenant_id AND p.day = d.day AND p.good
               WHERE d.rule <> ''
              UNION ALL
              SELECT raw.quality_rule, raw.quality, 1 FROM raw WHERE raw.quality_rule IS NOT NULL) x
       GROUP BY x.rule, x.quality
       ORDER BY count DESC, x.rule`,
      ),
    );
    return rows as QualityRuleRecord[];
  }
}
