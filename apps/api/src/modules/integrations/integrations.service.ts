import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { DatabaseService } from '../../core/database/database.service';
import { ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { sql } from 'kysely';
import { mapIntegration, type CreateIntegrationDto, type UpdateIntegrationDto } from './integrations.dto';

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Network-server integrations of a tenant: each carries the secret its webhooks must present. */
@Injectable()
export class IntegrationsService {
  constructor(
    private readonly database: DatabaseService,
    private readonly audit: AuditService,
  ) {}

  private get prisma() {
    return this.database.prisma;
  }

  async list(access: AccessContext, tenantId?: string) {
    const tenantIds = access.tenantIds('DEVICES', 'read', tenantId);
    const rows = await this.prisma.integration.findMany({ where: { tenantId: { in: tenantIds } }, orderBy: [{ createdAt: 'asc' }] });
    const stats = await this.stats(rows.map((r) => r.id));
    return rows.map((r) => ({ ...mapIntegration(r), ...(stats.get(r.id) ?? { lastUplinkAt: null, uplinks24h: { DECODED: 0, FAILED: 0, RECEIVED: 0 } }) }));
  }

  /** Last uplink and the last 24 hours' uplinks by status, per integration (index on integration and time). */
  private async stats(ids: string[]) {
    const out = new Map<string, { lastUplinkAt: string | null; uplinks24h: { DECODED: number; FAILED: number; RECEIVED: number } }>();
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

  async create(access: AccessContext, input: CreateIntegrationDto) {
    access.require('DEVICES', 'update', input.tenantId);
    const secret = randomBytes(24).toString('base64url');
    const row = await this.prisma.$transaction(async (tx) => {
      const created = await tx.integration.create({
        data: { tenantId: input.tenantId, kind: input.kind, name: input.name, externalId: input.externalId ?? null, secretHash: hashSecret(secret) },
      });
      await this.audit.record(access, { action: 'create', entityType: 'integration', entityId: created.id, tenantId: created.tenantId, after: input }, tx);
      return created;
    });
    return { ...mapIntegration(row), secret };
  }

  async update(access: AccessContext, id: string, input: UpdateIntegrationDto) {
    const before = await this.visible(access, id, 'update');
    const row = await this.prisma.$transaction(async (tx) => {
      const updated = await tx.integration.update({ where: { id }, data: input });
      await this.audit.record(access, { action: 'update', entityType: 'integration', entityId: id, tenantId: before.tenantId, before: mapIntegration(before), after: input }, tx);
      return updated;
    });
    return mapIntegration(row);
  }

  async rotateSecret(access: AccessContext, id: string) {
    const before = await this.visible(access, id, 'update');
    const secret = randomBytes(24).toString('base64url');
    const row = await this.prisma.$transaction(async (tx) => {
      const updated = await tx.integration.update({ where: { id }, data: { secretHash: hashSecret(secret) } });
      await this.audit.record(access, { action: 'update', entityType: 'integration', entityId: id, tenantId: before.tenantId, after: { secretRotated: true } }, tx);
      return updated;
    });
    return { ...mapIntegration(row), secret };
  }

  /** Deletes an integration no uplink came through; one in use is deactivated instead (its uplinks keep their source). */
  async remove(access: AccessContext, id: string) {
    const before = await this.visible(access, id, 'update');
    const used = await this.database.db.selectFrom('uplink').select('integration_id').where('integration_id', '=', id).limit(1).executeTakeFirst();
    if (used) throw new ConflictException('this integration has received uplinks: deactivate it instead (PATCH isActive: false)');
    await this.prisma.$transaction(async (tx) => {
      await tx.integration.delete({ where: { id } });
      await this.audit.record(access, { action: 'delete', entityType: 'integration', entityId: id, tenantId: before.tenantId, before: mapIntegration(before) }, tx);
    });
  }

  private async visible(access: AccessContext, id: string, action: 'read' | 'update') {
    const row = await this.prisma.integration.findUnique({ where: { id } });
    if (!row) throw new EntityNotFoundException('integration', id);
    access.require('DEVICES', action, row.tenantId, 'integration', id);
    return row;
  }
}
