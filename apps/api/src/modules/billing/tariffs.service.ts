import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { asSystem } from '../../core/database/tenant-scope';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { BadInputException, ConflictException, EntityNotFoundException, ForbiddenActionException } from '../../core/http/errors';
import type { Page } from '../../core/http/paging';
import { m3ToLitres } from './pricing/money';
import { price, PricingError, type PricingVersion } from './pricing/pricing';
import {
  localToday,
  overlapping,
  toPricingVersion,
  toVersionInput,
  toVersionRecord,
  versionProblems,
  versionState,
  type VersionRecord,
} from './tariff-rules';
import { mapTariff, mapVersion } from './tariffs.dto';
import type {
  CreateTariff,
  EffectiveTariffQuery,
  ListTariffsQuery,
  PreviewInput,
  PreviewResult,
  TariffVersionInput,
  TariffView,
  UpdateTariff,
  UpdateTariffVersion,
} from './tariffs.dto';
import { TariffsRepository, type TariffRecord } from './tariffs.repository';

/**
 * Tariffs (issue 18): per tenant, subscription type and group, inherited down the tenant tree unless a
 * child defines its own for the same scope; effective-dated versions that never overlap. A version that
 * has been in force is fixed but for closing it (effectiveTo); only drafts (future versions) change
 * freely or go away. Rules: docs/decisions.md, "Billing: tariffs and pricing".
 */
@Injectable()
export class TariffsService {
  constructor(
    private readonly tariffs: TariffsRepository,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(access: AccessContext, q: ListTariffsQuery): Promise<Page<TariffView>> {
    let views: TariffView[];
    if (q.tenantId) {
      access.require('BILLING', 'read', q.tenantId);
      views = (await this.applicableAt(q.tenantId, q.subscriptionType)).map(({ tariff, inherited }) => mapTariff(tariff, inherited));
    } else {
      views = (await this.tariffs.ofTenants(access.tenantIds('BILLING', 'read'), q.subscriptionType)).map((t) => mapTariff(t, false));
    }
    const search = q.search?.toLocaleLowerCase('tr');
    if (search) views = views.filter((t) => `${t.code}\n${t.name}`.toLocaleLowerCase('tr').includes(search));
    const key = (t: TariffView) => (q.sort === 'createdAt' ? t.createdAt : q.sort === 'name' ? t.name : t.code);
    views.sort((a, b) => key(a).localeCompare(key(b), 'tr') * (q.order === 'desc' ? -1 : 1) || a.id.localeCompare(b.id));
    const start = (q.page - 1) * q.pageSize;
    return { items: views.slice(start, start + q.pageSize), total: views.length, page: q.page, pageSize: q.pageSize };
  }

  async detail(access: AccessContext, id: string): Promise<TariffView> {
    const { tariff, inherited } = await this.readable(access, id);
    return mapTariff(tariff, inherited);
  }

  /** The tariff and version that price a subscription of `tenantId`'s scope on a day. */
  async effective(access: AccessContext, q: EffectiveTariffQuery) {
    access.require('BILLING', 'read', q.tenantId);
    const on = q.on ?? localToday(await this.tariffs.tenantTimeZone(q.tenantId));
    const applicable = await this.applicableAt(q.tenantId, q.subscriptionType);
    // What applies there (the nearest tenant's, see applicableAt): the group's own tariff, else the type's for every group.
    const found =
      applicable.find((a) => q.subscriptionGroupId && a.tariff.subscriptionGroupId === q.subscriptionGroupId) ??
      applicable.find((a) => a.tariff.subscriptionGroupId === null);
    if (!found) throw new EntityNotFoundException('tariff');
    const version = found.tariff.versions.find((v) => v.effectiveFrom <= on && (v.effectiveTo === null || v.effectiveTo > on));
    const today = localToday(found.tariff.tenantTimeZone);
    return { tariff: mapTariff(found.tariff, found.inherited), version: version ? mapVersion(version, today) : null, on };
  }

  async create(access: AccessContext, input: CreateTariff): Promise<TariffView> {
    access.require('BILLING', 'create', input.tenantId);
    const groupId = input.subscriptionGroupId ?? null;
    if (groupId && !(await this.tariffs.groupExists(groupId))) throw new EntityNotFoundException('subscription group', groupId);
    requireSound(input.version, ['version']);
    const id = await this.unitOfWork.run(async (tx) => {
      const created = await this.tariffs.create(
        tx,
        {
          tenantId: input.tenantId,
          code: input.code,
          name: input.name,
          subscriptionType: input.subscriptionType,
          subscriptionGroupId: groupId,
          isExample: input.isExample,
        },
        toVersionRecord(input.version),
      );
      await this.audit.record(
        access,
        { action: 'create', entityType: 'tariff', entityId: created, tenantId: input.tenantId, after: input },
        tx,
      );
      return created;
    });
    return this.detail(access, id);
  }

  async update(access: AccessContext, id: string, input: UpdateTariff): Promise<TariffView> {
    const tariff = await this.changeable(access, id, 'update');
    await this.unitOfWork.run(async (tx) => {
      await this.tariffs.update(tx, id, input);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'tariff',
          entityId: id,
          tenantId: tariff.tenantId,
          before: { name: tariff.name, isExample: tariff.isExample },
          after: input,
        },
        tx,
      );
    });
    return this.detail(access, id);
  }

  /** Only a tariff none of whose versions has come into force goes away. */
  async remove(access: AccessContext, id: string): Promise<void> {
    const tariff = await this.changeable(access, id, 'delete');
    const today = localToday(tariff.tenantTimeZone);
    const used = tariff.versions.filter((v) => versionState(v, today) !== 'FUTURE');
    if (used.length) {
      throw new ConflictException(
        'a tariff that has been in force stays; close its current version instead',
        used.map((v) => ({ path: ['versions', v.id], message: `in force from ${v.effectiveFrom}` })),
        { code: 'tariffInForce' },
      );
    }
    await this.unitOfWork.run(async (tx) => {
      await this.tariffs.delete(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'tariff', entityId: id, tenantId: tariff.tenantId, before: tariff },
        tx,
      );
    });
  }

  async addVersion(access: AccessContext, id: string, input: TariffVersionInput): Promise<TariffView> {
    const tariff = await this.changeable(access, id, 'create');
    requireSound(input, []);
    requireNoOverlap(tariff.versions, input.effectiveFrom, input.effectiveTo ?? null);
    await this.unitOfWork.run(async (tx) => {
      const versionId = await this.tariffs.createVersion(tx, id, tariff.tenantId, toVersionRecord(input));
      await this.audit.record(
        access,
        { action: 'create', entityType: 'tariff_version', entityId: versionId, tenantId: tariff.tenantId, after: input },
        tx,
      );
    });
    return this.detail(access, id);
  }

  /**
   * A draft (future) version takes any change; one in force takes only a new effectiveTo, on or after
   * today (closing it from a day not yet billed, or opening it again); a past version none.
   */
  async updateVersion(access: AccessContext, id: string, versionId: string, input: UpdateTariffVersion): Promise<TariffView> {
    const tariff = await this.changeable(access, id, 'update');
    const version = findVersion(tariff, versionId);
    const today = localToday(tariff.tenantTimeZone);
    const state = versionState(version, today);
    const others = tariff.versions.filter((v) => v.id !== versionId);
    let after: VersionRecord;
    if (state === 'FUTURE') {
      const merged = { ...toVersionInput(version), ...input };
      requireSound(merged, []);
      if (merged.effectiveFrom <= today)
        throw new BadInputException('a draft version starts after today', [{ path: ['effectiveFrom'], message: `after ${today}` }]);
      after = toVersionRecord(merged);
    } else {
      const fixed = Object.keys(input).filter((k) => k !== 'effectiveTo');
      if (state === 'PAST' || fixed.length) {
        throw new ConflictException(
          state === 'PAST'
            ? 'a version that has ended is fixed'
            : 'a version in force is fixed except its end (effectiveTo); add a new version for new prices',
          (state === 'PAST' ? Object.keys(input) : fixed).map((k) => ({ path: [k], message: 'fixed once the version is in force' })),
          { code: 'versionFixed' },
        );
      }
      const effectiveTo = input.effectiveTo ?? null;
      if (effectiveTo !== null && effectiveTo < today)
        throw new BadInputException('a version closes today or later: days already priced keep their tariff', [
          { path: ['effectiveTo'], message: `on or after ${today}` },
        ]);
      if (effectiveTo !== null && effectiveTo <= version.effectiveFrom)
        throw new BadInputException('a version ends after it starts', [
          { path: ['effectiveTo'], message: `after ${version.effectiveFrom}` },
        ]);
      after = { ...version, effectiveTo };
    }
    requireNoOverlap(others, after.effectiveFrom, after.effectiveTo);
    await this.unitOfWork.run(async (tx) => {
      if (state === 'FUTURE') await this.tariffs.replaceVersion(tx, versionId, tariff.tenantId, after);
      else await this.tariffs.setEffectiveTo(tx, versionId, after.effectiveTo);
      await this.audit.record(
        access,
        { action: 'update', entityType: 'tariff_version', entityId: versionId, tenantId: tariff.tenantId, before: version, after: input },
        tx,
      );
    });
    return this.detail(access, id);
  }

  async removeVersion(access: AccessContext, id: string, versionId: string): Promise<void> {
    const tariff = await this.changeable(access, id, 'delete');
    const version = findVersion(tariff, versionId);
    if (versionState(version, localToday(tariff.tenantTimeZone)) !== 'FUTURE') {
      throw new ConflictException(
        'only a version not yet in force can be deleted; close it instead',
        [{ path: ['effectiveFrom'], message: `in force from ${version.effectiveFrom}` }],
        { code: 'versionInForce' },
      );
    }
    await this.unitOfWork.run(async (tx) => {
      await this.tariffs.deleteVersion(tx, versionId);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'tariff_version', entityId: versionId, tenantId: tariff.tenantId, before: version },
        tx,
      );
    });
  }

  /** Prices a consumption over a period with the versions of the tariff in force then. */
  async preview(access: AccessContext, id: string, input: PreviewInput): Promise<PreviewResult> {
    const { tariff } = await this.readable(access, id);
    try {
      const result = price({
        versions: tariff.versions.map((v) => toPricingVersion(v.id, v)),
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
        consumptionLitres: m3ToLitres(input.consumptionM3),
        estimatedLitres: m3ToLitres(input.estimatedM3),
      });
      return {
        ...result,
        tariffId: id,
        lines: result.lines.map(({ vatRateBp, ...line }) => ({ ...line, vatRate: vatRateBp / 100 })),
      };
    } catch (error) {
      if (error instanceof PricingError) throw new BadInputException(error.message, [{ path: ['periodStart'], message: error.message }]);
      throw error;
    }
  }

  /**
   * For billing runs (system work, after the caller's check on the tenant): every tariff that applies at
   * `tenantId` by the inheritance rule, with its versions as the pricing engine takes them. A
   * subscription takes its group's own tariff, else its type's tariff for every group (`tariffFor`).
   */
  async pricingTariffsAt(tenantId: string): Promise<PricingTariff[]> {
    return (await this.applicableAt(tenantId)).map(({ tariff }) => ({
      tariffId: tariff.id,
      code: tariff.code,
      subscriptionType: tariff.subscriptionType,
      subscriptionGroupId: tariff.subscriptionGroupId,
      versions: tariff.versions.map((v) => toPricingVersion(v.id, v)),
    }));
  }

  // ─── Helpers ──────────────────────────────────────────────────────────────────

  /**
   * The tariffs that apply at a tenant: its own, then its ancestors' (nearest first) for the scopes no
   * nearer tenant defines; a nearer tariff for every group of a type takes the farther group tariffs of
   * that type too. The ancestors' rows are inherited values, outside the caller's row-level scope.
   */
  private async applicableAt(tenantId: string, subscriptionType?: 'INDIVIDUAL' | 'ORGANIZATIONAL') {
    const chain = [tenantId, ...(await asSystem(() => this.tariffs.ancestorIds(tenantId)))];
    const rows = await asSystem(() => this.tariffs.ofTenants(chain, subscriptionType));
    const out: { tariff: TariffRecord; inherited: boolean }[] = [];
    // Scopes a nearer tenant has taken: `TYPE/group` for a group's own tariff, `TYPE/*` for the type's
    // tariff for every group, which takes the type's group tariffs of farther tenants too.
    const taken = new Set<string>();
    for (const owner of chain) {
      const own = rows.filter((r) => r.tenantId === owner);
      const applying = own.filter(
        (r) => !taken.has(`${r.subscriptionType}/*`) && !taken.has(`${r.subscriptionType}/${r.subscriptionGroupId ?? '*'}`),
      );
      for (const r of own) taken.add(`${r.subscriptionType}/${r.subscriptionGroupId ?? '*'}`);
      for (const tariff of applying) out.push({ tariff, inherited: owner !== tenantId });
    }
    return out;
  }

  /** A tariff the caller may read: of a tenant where they hold BILLING read, or inherited by one (read-only). */
  private async readable(access: AccessContext, id: string): Promise<{ tariff: TariffRecord; inherited: boolean }> {
    const own = await this.tariffs.find(id);
    if (own && access.can('BILLING', 'read', own.tenantId)) return { tariff: own, inherited: false };
    const tariff = own ?? (await asSystem(() => this.tariffs.find(id)));
    if (tariff && (await this.tariffs.isAncestorOfAny(tariff.tenantId, access.tenantIds('BILLING', 'read'))))
      return { tariff, inherited: true };
    throw new EntityNotFoundException('tariff', id);
  }

  /** A tariff the caller may change: an inherited one answers 403 (define your own), an invisible one 404. */
  private async changeable(access: AccessContext, id: string, action: 'create' | 'update' | 'delete'): Promise<TariffRecord> {
    const { tariff, inherited } = await this.readable(access, id);
    if (inherited && !access.canSee(tariff.tenantId)) {
      throw new ForbiddenActionException(`the tariff belongs to ${tariff.tenantName}; define a tariff of your own for this scope instead`);
    }
    access.require('BILLING', action, tariff.tenantId, 'tariff', id);
    return tariff;
  }
}

export interface PricingTariff {
  tariffId: string;
  code: string;
  subscriptionType: 'INDIVIDUAL' | 'ORGANIZATIONAL';
  subscriptionGroupId: string | null;
  versions: PricingVersion[];
}

/** The tariff of a subscription among those that apply at its tenant: its group's own, else its type's for every group. */
export function tariffFor<T extends Pick<PricingTariff, 'subscriptionType' | 'subscriptionGroupId'>>(
  tariffs: T[],
  subscriptionType: string,
  groupId: string,
): T | undefined {
  return (
    tariffs.find((t) => t.subscriptionType === subscriptionType && t.subscriptionGroupId === groupId) ??
    tariffs.find((t) => t.subscriptionType === subscriptionType && t.subscriptionGroupId === null)
  );
}

function findVersion(tariff: TariffRecord, versionId: string) {
  const version = tariff.versions.find((v) => v.id === versionId);
  if (!version) throw new EntityNotFoundException('tariff version', versionId);
  return version;
}

function requireSound(v: TariffVersionInput, prefix: (string | number)[]): void {
  const problems = versionProblems(v);
  if (problems.length)
    throw new BadInputException(
      'the version does not hold together',
      problems.map((p) => ({ ...p, path: [...prefix, ...p.path] })),
    );
}

function requireNoOverlap(
  others: { id: string; effectiveFrom: string; effectiveTo: string | null }[],
  from: string,
  to: string | null,
): void {
  const clash = overlapping(others, from, to);
  if (clash.length) {
    throw new ConflictException(
      'the version overlaps another version of the tariff',
      clash.map((c) => ({
        path: ['effectiveFrom'],
        message: `overlaps the version ${c.effectiveFrom} – ${c.effectiveTo ?? 'open'} (${c.id})`,
      })),
      { code: 'overlaps' },
    );
  }
}
