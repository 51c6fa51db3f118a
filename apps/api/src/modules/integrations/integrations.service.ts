import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { mapIntegration, type CreateIntegrationDto, type UpdateIntegrationDto } from './integrations.dto';
import { IntegrationsRepository } from './integrations.repository';

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Network-server integrations of a tenant: each carries the secret its webhooks must present. */
@Injectable()
export class IntegrationsService {
  constructor(
    private readonly repository: IntegrationsRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  async list(access: AccessContext, tenantId?: string) {
    const tenantIds = access.tenantIds('DEVICES', 'read', tenantId);
    const rows = await this.repository.list(tenantIds);
    const stats = await this.repository.stats(rows.map((r) => r.id));
    return rows.map((r) => ({
      ...mapIntegration(r),
      ...(stats.get(r.id) ?? { lastUplinkAt: null, uplinks24h: { DECODED: 0, FAILED: 0, RECEIVED: 0 } }),
    }));
  }

  async create(access: AccessContext, input: CreateIntegrationDto) {
    access.require('DEVICES', 'update', input.tenantId);
    const secret = randomBytes(24).toString('base64url');
    const row = await this.unitOfWork.run(async (tx) => {
      const created = await this.repository.create(tx, {
        tenantId: input.tenantId,
        kind: input.kind,
        name: input.name,
        externalId: input.externalId ?? null,
        secretHash: hashSecret(secret),
      });
      await this.audit.record(
        access,
        { action: 'create', entityType: 'integration', entityId: created.id, tenantId: created.tenantId, after: input },
        tx,
      );
      return created;
    });
    return { ...mapIntegration(row), secret };
  }

  async update(access: AccessContext, id: string, input: UpdateIntegrationDto) {
    const before = await this.visible(access, id, 'update');
    const row = await this.unitOfWork.run(async (tx) => {
      const updated = await this.repository.update(tx, id, input);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'integration',
          entityId: id,
          tenantId: before.tenantId,
          before: mapIntegration(before),
          after: input,
        },
        tx,
      );
      return updated;
    });
    return mapIntegration(row);
  }

  async rotateSecret(access: AccessContext, id: string) {
    const before = await this.visible(access, id, 'update');
    const secret = randomBytes(24).toString('base64url');
    const row = await this.unitOfWork.run(async (tx) => {
      const updated = await this.repository.update(tx, id, { secretHash: hashSecret(secret) });
      await this.audit.record(
        access,
        { action: 'update', entityType: 'integration', entityId: id, tenantId: before.tenantId, after: { secretRotated: true } },
        tx,
      );
      return updated;
    });
    return { ...mapIntegration(row), secret };
  }

  /** Deletes an integration no uplink came through; one in use is deactivated instead (its uplinks keep their source). */
  async remove(access: AccessContext, id: string) {
    const before = await this.visible(access, id, 'update');
    if (await this.repository.hasUplinks(id))
      throw new ConflictException('this integration has received uplinks: deactivate it instead (PATCH isActive: false)', [], {
        code: 'hasHistory',
      });
    await this.unitOfWork.run(async (tx) => {
      await this.repository.delete(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'integration', entityId: id, tenantId: before.tenantId, before: mapIntegration(before) },
        tx,
      );
    });
  }

  private async visible(access: AccessContext, id: string, action: 'read' | 'update') {
    const row = await this.repository.find(id);
    if (!row) throw new EntityNotFoundException('integration', id);
    access.require('DEVICES', action, row.tenantId, 'integration', id);
    return row;
  }
}
