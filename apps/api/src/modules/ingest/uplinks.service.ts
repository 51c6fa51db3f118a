import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { requireVisibleFilters } from '../../core/access/list-filters';
import { DatabaseService } from '../../core/database/database.service';
import type { Page } from '../../core/http/paging';
import type { ListUplinksQueryDto } from './uplinks.controller';

type UplinkRow = {
  id: string;
  receivedAt: string;
  deviceId: string;
  deviceSerialNo: string;
  tenantId: string;
  fPort: number | null;
  fCnt: number | null;
  payloadHex: string;
  status: 'RECEIVED' | 'DECODED' | 'FAILED';
  decoded: unknown;
  errors: string[];
  warnings: string[];
  rx: unknown;
};

@Injectable()
export class UplinksService {
  constructor(private readonly database: DatabaseService) {}

  async list(access: AccessContext, q: ListUplinksQueryDto): Promise<Page<UplinkRow>> {
    const tenantIds = access.tenantIds('DEVICES', 'read', q.tenantId);
    await requireVisibleFilters(this.database.db, access, access.tenantIds('DEVICES', 'read'), { device: q.deviceId });
    const base = this.database.db
      .selectFrom('uplink as u')
      .innerJoin('device as d', 'd.id', 'u.device_id')
      .where('u.tenant_id', 'in', tenantIds.length ? tenantIds : ['00000000-0000-0000-0000-000000000000'])
      .$if(Boolean(q.deviceId), (w) => w.where('u.device_id', '=', q.deviceId!))
      .$if(Boolean(q.status), (w) => w.where('u.status', '=', q.status!))
      .$if(Boolean(q.from), (w) => w.where('u.received_at', '>=', new Date(q.from!)))
      .$if(Boolean(q.to), (w) => w.where('u.received_at', '<', new Date(q.to!)));
    const [rows, count] = await Promise.all([
      base
        .select([
          'u.id',
          'u.received_at',
          'u.device_id',
          'd.serial_no',
          'u.tenant_id',
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
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
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
      page: q.page,
      pageSize: q.pageSize,
    };
  }
}
