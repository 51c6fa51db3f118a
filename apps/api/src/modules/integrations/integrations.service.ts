import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { DatabaseService } from '../../core/database/database.service';
import { EntityNotFoundException } from '../../core/http/errors';
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
    return rows.map(mapIntegration);
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

  async remove(access: AccessContext, id: string) {
    const before = await this.visible(access, id, 'update');
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
