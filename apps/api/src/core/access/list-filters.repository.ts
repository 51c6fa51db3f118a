import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../database/database.service';
import { EntityNotFoundException } from '../http/errors';
import type { AccessContext } from './access-context';

/**
 * What a list filter may name, and how it is found: objects owned by a tenant, profiles (allowed to
 * tenants; the root uses every one) and shared catalogue entries (visible to every signed-in user).
 */
const OWNED = { meter: 'meter', device: 'device', customer: 'customer', subscription: 'subscription' } as const;
const PROFILES = {
  meterProfile: { table: 'meter_profile', allow: 'tenant_meter_profile', column: 'meter_profile_id', label: 'meter profile' },
  deviceProfile: { table: 'device_profile', allow: 'tenant_device_profile', column: 'device_profile_id', label: 'device profile' },
} as const;
const CATALOGUE = {
  meterBrand: { table: 'meter_brand', label: 'meter brand' },
  deviceBrand: { table: 'device_brand', label: 'device brand' },
  technology: { table: 'communication_technology', label: 'communication technology' },
  subscriptionGroup: { table: 'subscription_group', label: 'subscription group' },
} as const;

export type FilterKind = keyof typeof OWNED | keyof typeof PROFILES | keyof typeof CATALOGUE;
export type FilterRefs = Partial<Record<FilterKind, string | undefined>>;

/** Services check a list's filter ids through this, so they need no database client. */
@Injectable()
export class ListFiltersRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * The one rule for list filters that name an object (decisions.md, Access): a filter id the caller
   * could not open answers 404, exactly as opening it would — never a 200 that confirms or probes it.
   * `scope` is the list's own scope: the tenants where the caller reads what is listed (before any
   * `tenantId` narrowing). An object of a tenant is visible when its tenant is in the scope; a profile
   * when it is allowed to a tenant of the scope (or the scope holds the root, which uses every profile);
   * a catalogue entry (brand, technology, subscription group) when it exists.
   * A `tenantId` filter is checked by `AccessContext.tenantIds(module, action, within)` (404 too).
   */
  async requireVisible(access: AccessContext, scope: readonly string[], refs: FilterRefs): Promise<void> {
    const ids = [...scope];
    const holdsRoot = ids.some((id) => access.tenants.get(id)?.parentId === null);
    const checks = (Object.entries(refs) as [FilterKind, string | undefined][])
      .filter((e): e is [FilterKind, string] => Boolean(e[1]))
      .map(async ([kind, id]) => {
        let query;
        let label: string;
        if (kind in OWNED) {
          const table = OWNED[kind as keyof typeof OWNED];
          label = table;
          query = sql<{
            ok: boolean;
          }>`SELECT EXISTS (SELECT 1 FROM ${sql.table(table)} WHERE id = ${id}::uuid AND tenant_id = ANY(${ids}::uuid[])) AS ok`;
        } else if (kind in PROFILES) {
          const p = PROFILES[kind as keyof typeof PROFILES];
          label = p.label;
          query = holdsRoot
            ? sql<{ ok: boolean }>`SELECT EXISTS (SELECT 1 FROM ${sql.table(p.table)} WHERE id = ${id}::uuid) AS ok`
            : sql<{
                ok: boolean;
              }>`SELECT EXISTS (SELECT 1 FROM ${sql.table(p.allow)} WHERE ${sql.ref(p.column)} = ${id}::uuid AND tenant_id = ANY(${ids}::uuid[])) AS ok`;
        } else {
          const c = CATALOGUE[kind as keyof typeof CATALOGUE];
          label = c.label;
          query = sql<{ ok: boolean }>`SELECT EXISTS (SELECT 1 FROM ${sql.table(c.table)} WHERE id = ${id}::uuid) AS ok`;
        }
        const { rows } = await query.execute(this.database.db);
        if (!rows[0]?.ok) throw new EntityNotFoundException(label, id);
      });
    await Promise.all(checks);
  }
}
