import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';

export type IntegrationKind = 'TTN' | 'CHIRPSTACK' | 'SIGFOX' | 'GENERIC';

export interface IntegrationRow {
  id: string;
  tenantId: string;
  tenantPath: string;
  kind: IntegrationKind;
  secretHash: string;
  isActive: boolean;
}

export interface DeviceRef {
  deviceId: string;
  tenantId: string;
}

/** The webhooks' lookups: an integration by id or ChirpStack application, a device by its identifier. */
@Injectable()
export class IngestRepository {
  constructor(private readonly database: DatabaseService) {}

  private integrations() {
    return this.database.db
      .selectFrom('integration as i')
      .innerJoin('tenant as t', 't.id', 'i.tenant_id')
      .select([
        'i.id',
        'i.tenant_id as tenantId',
        sql<string>`t.path::text`.as('tenantPath'),
        'i.kind',
        'i.secret_hash as secretHash',
        'i.is_active as isActive',
      ]);
  }

  async integration(id: string): Promise<IntegrationRow | null> {
    return (await this.integrations().where('i.id', '=', id).executeTakeFirst()) ?? null;
  }

  async chirpstackIntegration(applicationId: string): Promise<IntegrationRow | null> {
    return (
      (await this.integrations().where('i.kind', '=', 'CHIRPSTACK').where('i.external_id', '=', applicationId).executeTakeFirst()) ?? null
    );
  }

  /** The device whose unique identifier is `value` (normalised), inside the tenant subtree at `tenantPath`. */
  async device(value: string, idField: { technology: string | null; key: string } | null, tenantPath: string): Promise<DeviceRef | null> {
    const row = await this.database.db
      .selectFrom('device_identifier as i')
      .innerJoin('communication_technology_field as f', 'f.id', 'i.field_id')
      .innerJoin('communication_technology as ct', 'ct.id', 'f.technology_id')
      .innerJoin('device as d', 'd.id', 'i.device_id')
      .innerJoin('tenant as t', 't.id', 'd.tenant_id')
      .select(['d.id as deviceId', 'd.tenant_id as tenantId'])
      .where('i.is_unique', '=', true)
      .where('i.normalized_value', '=', value)
      .$if(Boolean(idField?.technology), (q) => q.where('ct.code', '=', idField!.technology!))
      .$if(Boolean(idField?.key), (q) => q.where('f.key', '=', idField!.key))
      .where(sql<boolean>`t.path <@ ${tenantPath}::ltree`)
      .executeTakeFirst();
    return row ?? null;
  }
}
