import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';

export interface IntegrationStats {
  lastUplinkAt: string | null;
  uplinks24h: { DECODED: number; FAILED: number; RECEIVED: number };
}

type Kind = 'TTN' | 'CHIRPSTACK' | 'SIGFOX' | 'GENERIC';

/** Integrations and what their uplinks say about them. */
@Injectable()
export class IntegrationsRepository {
  constructor(private readonly database: DatabaseService) {}

  list(tenantIds: string[]) {
    return this.database.prisma.integration.findMany({ where: { tenantId: { in: tenantIds } }, orderBy: [{ createdAt: 'asc' }] });
  }

  find(id: string) {
    return this.database.prisma.integration.findUnique({ where: { id } });
  }

  create(tx: Transaction, data: { tenantId: string; kind: Kind; name: string; externalId: string | null; secretHash: string }) {
    return clientOf(this.database, tx).integration.create({ data });
  }

  update(tx: Transaction, id: string, data: { name?: string; isActive?: boolean; externalId?: string | null; secretHash?: string }) {
    return clientOf(this.database, tx).integration.update({ where: { id }, data });
  }

  async delete(tx: Transaction, id: string): Promise<void> {
    await clientOf(this.database, tx).integration.delete({ where: { id } });
  }

  /** Whether any uplink came through the integration (index on integration and time). */
  async hasUplinks(id: string): Promise<boolean> {
    return Boolean(
      await this.database.db.selectFrom('uplink').select('integration_id').where('integration_id', '=', id).limit(1).executeTakeFirst(),
    );
  }

  /** Last uplink and the last 24 hours' uplinks by status, per integration. */
  async stats(ids: string[]): Promise<Map<string, IntegrationStats>> {
    const out = new Map<string, IntegrationStats>();
    if (!ids.length) return out;
    const { rows } = await sql<{ id: string; last: Date | null; decoded: string; failed: string; received: string }>`
      SELECT i.id, last.received_at AS last, day.decoded, day.failed, day.received
        FROM unnest(${ids}::uuid[]) AS i(id)
        LEFT JOIN LATERAL (SELECT received_at FROM uplink WHERE integration_id = i.id ORDER BY received_at DESC LIMIT 1) last ON true
        CROSS JOIN LATERAL (
          SELECT count(*) FILTER (WHERE status = 'DECODED') AS decoded, count(*) FILTER (WHERE status = 'FAILED') AS failed,
                 count(*) FILTER (WHERE status = 'RECEIVED') AS received
            FROM uplink WHERE integration_id = i.id AND received_at > now() - interval '24 hours') day`.execute(this.database.db);
    for (const r of rows) {
      out.set(r.id, {
        lastUplinkAt: r.last ? new Date(r.last).toISOString() : null,
        uplinks24h: { DECODED: Number(r.decoded), FAILED: Number(r.failed), RECEIVED: Number(r.received) },
      });
    }
    return out;
  }
}
