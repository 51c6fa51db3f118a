import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';

export interface InspectedUplink {
  id: string;
  receivedAt: string;
  deviceId: string;
  deviceSerialNo: string;
  tenantId: string;
  integrationId: string | null;
  fPort: number | null;
  fCnt: number | null;
  payloadHex: string;
  status: 'RECEIVED' | 'DECODED' | 'FAILED';
  decoded: unknown;
  errors: string[];
  warnings: string[];
  rx: unknown;
}

export interface UplinkFilter {
  tenantIds: string[];
  deviceId?: string;
  integrationId?: string;
  status?: 'RECEIVED' | 'DECODED' | 'FAILED';
  from?: string;
  to?: string;
}

/** What the uplink inspector reads: stored uplinks as received, and what a re-decode run needs checked. */
@Injectable()
export class UplinkInspectorRepository {
  constructor(private readonly database: DatabaseService) {}

  async page(f: UplinkFilter, page: number, pageSize: number): Promise<{ items: InspectedUplink[]; total: number }> {
    const base = this.database.db
      .selectFrom('uplink as u')
      .innerJoin('device as d', 'd.id', 'u.device_id')
      .where('u.tenant_id', 'in', f.tenantIds.length ? f.tenantIds : ['00000000-0000-0000-0000-000000000000'])
      .$if(Boolean(f.deviceId), (w) => w.where('u.device_id', '=', f.deviceId!))
      .$if(Boolean(f.integrationId), (w) => w.where('u.integration_id', '=', f.integrationId!))
      .$if(Boolean(f.status), (w) => w.where('u.status', '=', f.status!))
      .$if(Boolean(f.from), (w) => w.where('u.received_at', '>=', new Date(f.from!)))
      .$if(Boolean(f.to), (w) => w.where('u.received_at', '<', new Date(f.to!)));
    const [rows, count] = await Promise.all([
      base
        .select([
          'u.id',
          'u.received_at',
          'u.device_id',
          'd.serial_no',
          'u.tenant_id',
          'u.integration_id',
          'u.f_port',
          'u.f_cnt',
          'u.payload',
          'u.status',
          'u.decoded',
          'u.errors',
          'u.rx_metadata',
        ])
        .orderBy('u.received_at', 'desc')
        .orderBy('u.id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => {
        const problems = (r.errors ?? {}) as { errors?: string[]; warnings?: string[] };
        return {
          id: String(r.id),
          receivedAt: new Date(r.received_at).toISOString(),
          deviceId: r.device_id,
          deviceSerialNo: r.serial_no,
          tenantId: r.tenant_id,
          integrationId: r.integration_id,
          fPort: r.f_port,
          fCnt: r.f_cnt === null ? null : Number(r.f_cnt),
          payloadHex: Buffer.from(r.payload).toString('hex'),
          status: r.status,
          decoded: r.decoded ?? null,
          errors: problems.errors ?? [],
          warnings: problems.warnings ?? [],
          rx: r.rx_metadata ?? null,
        };
      }),
      total: Number(count.n),
    };
  }

  /** The tenant of an integration, or undefined when there is none. */
  async integrationTenant(id: string): Promise<string | undefined> {
    return (await this.database.db.selectFrom('integration').select('tenant_id').where('id', '=', id).executeTakeFirst())?.tenant_id;
  }

  /** Model codes of the named profile, or the device's, that have no active message scenario (no decoder). */
  async profilesWithoutDecoder(target: { deviceId?: string; deviceProfileId?: string }): Promise<string[]> {
    if (!target.deviceId && !target.deviceProfileId) return [];
    const rows = await this.database.db
      .selectFrom('device_profile as p')
      .leftJoin('message_scenario as s', (j) => j.onRef('s.device_profile_id', '=', 'p.id').on('s.is_active', '=', true))
      .select('p.model_code')
      .select((eb) => eb.fn.count<string>('s.id').as('scenarios'))
      .$if(Boolean(target.deviceProfileId), (w) => w.where('p.id', '=', target.deviceProfileId!))
      .$if(Boolean(target.deviceId), (w) =>
        w.where('p.id', '=', (eb) => eb.selectFrom('device').select('device_profile_id').where('id', '=', target.deviceId!)),
      )
      .groupBy(['p.id', 'p.model_code'])
      .having(sql<boolean>`count(s.id) = 0`)
      .execute();
    return rows.map((r) => r.model_code);
  }
}
