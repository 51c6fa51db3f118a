import { Injectable } from '@nestjs/common';
import type { ApiErrorReason, InUseNoun, PermissionAction } from '@water/shared';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import {
  BadInputException,
  ConflictException,
  EntityNotFoundException,
  ForbiddenActionException,
  type ErrorDetail,
} from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import {
  ENUMS,
  mapBrand,
  mapIpRating,
  mapSubscriptionGroup,
  mapTechnology,
  mapTechnologyField,
  type Brand,
  type CreateBrandDto,
  type CreateIpRatingDto,
  type CreateSubscriptionGroupDto,
  type CreateTechnologyDto,
  type CreateTechnologyFieldDto,
  type Enums,
  type IpRatingView,
  type ListBrandsQueryDto,
  type ListIpRatingsQueryDto,
  type ListSubscriptionGroupsQueryDto,
  type ListTechnologiesQueryDto,
  type SubscriptionGroupView,
  type TechnologyFieldView,
  type TechnologyView,
  type UpdateBrandDto,
  type UpdateIpRatingDto,
  type UpdateSubscriptionGroupDto,
  type UpdateTechnologyDto,
  type UpdateTechnologyFieldDto,
} from './definitions.dto';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { DefinitionsRepository, type BrandKind } from './definitions.repository';

/**
 * Definitions and profiles are one catalogue shared by every tenant, so only rights held at the root
 * tenant change them: a utility's admin must not rename a brand every other utility uses. Returns the
 * root tenant's id (the audit log files the change there).
 */
export function requireRootRight(access: AccessContext, module: 'DEFINITIONS' | 'PROFILES', action: PermissionAction): string {
  // Only a member of the root sees it, and it is the one visible tenant without a parent.
  const root = [...access.tenants.values()].find((t) => t.parentId === null);
  if (!root || !root.matrix[module][action]) {
    throw new ForbiddenActionException(
      `${module.toLowerCase()} are shared by every tenant: to ${action} them you need the right at the root tenant`,
    );
  }
  return root.id;
}

/** The English nouns of `inUse` counts. */
const NOUNS: Record<InUseNoun, string> = {
  meter: 'meter',
  device: 'device',
  subscription: 'subscription',
  customer: 'customer',
  contact: 'contact',
  tenant: 'tenant',
  childTenant: 'child tenant',
  meterProfile: 'meter profile',
  deviceProfile: 'device profile',
  messageScenario: 'message scenario',
  deviceIdentifier: 'device identifier',
};

/**
 * Why a record cannot go: "meter brand Baylan is used by 2 meter profiles and 40 meters", with the counts as the
 * `inUse` reason's params (`{ meterProfile: 2, meter: 40 }`) so a client says it in its own language. Null when unused.
 */
export function describeUsage(what: string, usage: Partial<Record<InUseNoun, number>>): { message: string; reason: ApiErrorReason } | null {
  const used = (Object.entries(usage) as [InUseNoun, number][]).filter(([, n]) => n > 0);
  if (!used.length) return null;
  const parts = used.map(([noun, n]) => `${n} ${NOUNS[noun]}${n === 1 ? '' : 's'}`);
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return { message: `${what} is used by ${list}`, reason: { code: 'inUse', params: Object.fromEntries(used) } };
}

const BRAND_LABEL: Record<BrandKind, string> = { meter: 'meter brand', device: 'device brand' };

@Injectable()
export class DefinitionsService {
  constructor(
    private readonly definitions: DefinitionsRepository,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  enums(): Enums {
    return ENUMS;
  }

  // ─── Brands ───────────────────────────────────────────────────────────────────

  async listBrands(kind: BrandKind, q: ListBrandsQueryDto): Promise<Page<Brand>> {
    const { items, total } = await this.definitions.pageBrands(kind, q, skipTake(q));
    return { items: items.map(mapBrand), total, page: q.page, pageSize: q.pageSize };
  }

  async brand(kind: BrandKind, id: string): Promise<Brand> {
    const brand = await this.definitions.findBrand(kind, id);
    if (!brand) throw new EntityNotFoundException(BRAND_LABEL[kind], id);
    return mapBrand(brand);
  }

  async createBrand(access: AccessContext, kind: BrandKind, input: CreateBrandDto): Promise<Brand> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'create');
    await this.assertBrandNameFree(kind, input.name);
    const brand = await this.unitOfWork.run(async (tx) => {
      const created = await this.definitions.createBrand(tx, kind, input);
      await this.audit.record(
        access,
        { action: 'create', entityType: `${kind}_brand`, entityId: created.id, tenantId: rootId, after: created },
        tx,
      );
      return created;
    });
    return mapBrand(brand);
  }

  async updateBrand(access: AccessContext, kind: BrandKind, id: string, input: UpdateBrandDto): Promise<Brand> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'update');
    const before = await this.definitions.findBrand(kind, id);
    if (!before) throw new EntityNotFoundException(BRAND_LABEL[kind], id);
    if (input.name !== undefined) await this.assertBrandNameFree(kind, input.name, id);
    const brand = await this.unitOfWork.run(async (tx) => {
      const updated = await this.definitions.updateBrand(tx, kind, id, input);
      await this.audit.record(
        access,
        { action: 'update', entityType: `${kind}_brand`, entityId: id, tenantId: rootId, before, after: updated },
        tx,
      );
      return updated;
    });
    return mapBrand(brand);
  }

  async removeBrand(access: AccessContext, kind: BrandKind, id: string): Promise<void> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'delete');
    const brand = await this.definitions.findBrand(kind, id);
    if (!brand) throw new EntityNotFoundException(BRAND_LABEL[kind], id);
    const inUse = describeUsage(`${BRAND_LABEL[kind]} ${brand.name}`, await this.definitions.brandUsage(kind, id));
    if (inUse) throw new ConflictException(`${inUse.message}; mark it inactive instead`, [], inUse.reason);
    await this.unitOfWork.run(async (tx) => {
      await this.definitions.deleteBrand(tx, kind, id);
      await this.audit.record(access, { action: 'delete', entityType: `${kind}_brand`, entityId: id, tenantId: rootId, before: brand }, tx);
    });
  }

  private async assertBrandNameFree(kind: BrandKind, name: string, exceptId?: string): Promise<void> {
    const other = await this.definitions.findBrandNamed(kind, name, exceptId);
    if (other) throw ConflictException.alreadyExists(`${BRAND_LABEL[kind]} ${other.name} already exists`, ['name']);
  }

  // ─── IP ratings ───────────────────────────────────────────────────────────────

  async listIpRatings(q: ListIpRatingsQueryDto): Promise<Page<IpRatingView>> {
    const { items, total } = await this.definitions.pageIpRatings(q, skipTake(q));
    return { items: items.map(mapIpRating), total, page: q.page, pageSize: q.pageSize };
  }

  async ipRating(id: string): Promise<IpRatingView> {
    const rating = await this.definitions.findIpRating(id);
    if (!rating) throw new EntityNotFoundException('IP rating', id);
    return mapIpRating(rating);
  }

  async createIpRating(access: AccessContext, input: CreateIpRatingDto): Promise<IpRatingView> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'create');
    await this.assertIpRatingCodeFree(input.code);
    const rating = await this.unitOfWork.run(async (tx) => {
      const created = await this.definitions.createIpRating(tx, {
        code: input.code,
        description: input.description ?? null,
        descriptionEn: input.descriptionEn ?? null,
        sortOrder: input.sortOrder,
      });
      await this.audit.record(
        access,
        { action: 'create', entityType: 'ip_rating', entityId: created.id, tenantId: rootId, after: created },
        tx,
      );
      return created;
    });
    return mapIpRating(rating);
  }

  async updateIpRating(access: AccessContext, id: string, input: UpdateIpRatingDto): Promise<IpRatingView> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'update');
    const before = await this.definitions.findIpRating(id);
    if (!before) throw new EntityNotFoundException('IP rating', id);
    if (input.code !== undefined) await this.assertIpRatingCodeFree(input.code, id);
    const rating = await this.unitOfWork.run(async (tx) => {
      const updated = await this.definitions.updateIpRating(tx, id, input);
      await this.audit.record(
        access,
        { action: 'update', entityType: 'ip_rating', entityId: id, tenantId: rootId, before, after: updated },
        tx,
      );
      return updated;
    });
    return mapIpRating(rating);
  }

  async removeIpRating(access: AccessContext, id: string): Promise<void> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'delete');
    const rating = await this.definitions.findIpRating(id);
    if (!rating) throw new EntityNotFoundException('IP rating', id);
    const inUse = describeUsage(`IP rating ${rating.code}`, await this.definitions.ipRatingUsage(id));
    if (inUse) throw new ConflictException(inUse.message, [], inUse.reason);
    await this.unitOfWork.run(async (tx) => {
      await this.definitions.deleteIpRating(tx, id);
      await this.audit.record(access, { action: 'delete', entityType: 'ip_rating', entityId: id, tenantId: rootId, before: rating }, tx);
    });
  }

  private async assertIpRatingCodeFree(code: string, exceptId?: string): Promise<void> {
    if (await this.definitions.findIpRatingCoded(code, exceptId))
      throw ConflictException.alreadyExists(`IP rating ${code} already exists`, ['code']);
  }

  // ─── Subscription groups ──────────────────────────────────────────────────────

  async listSubscriptionGroups(q: ListSubscriptionGroupsQueryDto): Promise<Page<SubscriptionGroupView>> {
    const { items, total } = await this.definitions.pageSubscriptionGroups(q, skipTake(q));
    return { items: items.map(mapSubscriptionGroup), total, page: q.page, pageSize: q.pageSize };
  }

  async subscriptionGroup(id: string): Promise<SubscriptionGroupView> {
    const group = await this.definitions.findSubscriptionGroup(id);
    if (!group) throw new EntityNotFoundException('subscription group', id);
    return mapSubscriptionGroup(group);
  }

  async createSubscriptionGroup(access: AccessContext, input: CreateSubscriptionGroupDto): Promise<SubscriptionGroupView> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'create');
    await this.assertGroupCodeFree(input.code);
    const group = await this.unitOfWork.run(async (tx) => {
      const created = await this.definitions.createSubscriptionGroup(tx, input);
      await this.audit.record(
        access,
        { action: 'create', entityType: 'subscription_group', entityId: created.id, tenantId: rootId, after: created },
        tx,
      );
      return created;
    });
    return mapSubscriptionGroup(group);
  }

  async updateSubscriptionGroup(access: AccessContext, id: string, input: UpdateSubscriptionGroupDto): Promise<SubscriptionGroupView> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'update');
    const before = await this.definitions.findSubscriptionGroup(id);
    if (!before) throw new EntityNotFoundException('subscription group', id);
    if (input.code !== undefined) await this.assertGroupCodeFree(input.code, id);
    const group = await this.unitOfWork.run(async (tx) => {
      const updated = await this.definitions.updateSubscriptionGroup(tx, id, input);
      await this.audit.record(
        access,
        { action: 'update', entityType: 'subscription_group', entityId: id, tenantId: rootId, before, after: updated },
        tx,
      );
      return updated;
    });
    return mapSubscriptionGroup(group);
  }

  async removeSubscriptionGroup(access: AccessContext, id: string): Promise<void> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'delete');
    const group = await this.definitions.findSubscriptionGroup(id);
    if (!group) throw new EntityNotFoundException('subscription group', id);
    const inUse = describeUsage(`subscription group ${group.name}`, await this.definitions.subscriptionGroupUsage(id));
    if (inUse) throw new ConflictException(inUse.message, [], inUse.reason);
    await this.unitOfWork.run(async (tx) => {
      await this.definitions.deleteSubscriptionGroup(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'subscription_group', entityId: id, tenantId: rootId, before: group },
        tx,
      );
    });
  }

  private async assertGroupCodeFree(code: string, exceptId?: string): Promise<void> {
    if (await this.definitions.findSubscriptionGroupCoded(code, exceptId)) {
      throw ConflictException.alreadyExists(`subscription group ${code} already exists`, ['code']);
    }
  }

  // ─── Communication technologies ───────────────────────────────────────────────

  async listTechnologies(q: ListTechnologiesQueryDto): Promise<Page<TechnologyView>> {
    const { items, total } = await this.definitions.pageTechnologies(q, skipTake(q));
    return { items: items.map(mapTechnology), total, page: q.page, pageSize: q.pageSize };
  }

  async technology(id: string): Promise<TechnologyView> {
    const technology = await this.definitions.findTechnology(id);
    if (!technology) throw new EntityNotFoundException('communication technology', id);
    return mapTechnology(technology);
  }

  async createTechnology(access: AccessContext, input: CreateTechnologyDto): Promise<TechnologyView> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'create');
    if (await this.definitions.findTechnologyCoded(input.code)) {
      throw ConflictException.alreadyExists(`communication technology ${input.code} already exists`, ['code']);
    }
    for (const [i, f] of input.fields.entries()) await this.assertDatabaseRegex(f.regex, ['fields', i, 'regex']);
    const id = await this.unitOfWork.run(async (tx) => {
      const { fields, ...technology } = input;
      const created = await this.definitions.createTechnology(
        tx,
        technology,
        fields.map((f, i) => ({ ...f, sortOrder: f.sortOrder ?? i + 1 })),
      );
      await this.audit.record(
        access,
        { action: 'create', entityType: 'communication_technology', entityId: created.id, tenantId: rootId, after: input },
        tx,
      );
      return created.id;
    });
    return this.technology(id);
  }

  async updateTechnology(access: AccessContext, id: string, input: UpdateTechnologyDto): Promise<TechnologyView> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'update');
    const before = await this.definitions.findTechnology(id);
    if (!before) throw new EntityNotFoundException('communication technology', id);
    if (input.code !== undefined && (await this.definitions.findTechnologyCoded(input.code, id))) {
      throw ConflictException.alreadyExists(`communication technology ${input.code} already exists`, ['code']);
    }
    await this.unitOfWork.run(async (tx) => {
      await this.definitions.updateTechnology(tx, id, input);
      const { fields: _f, ...snapshot } = before;
      await this.audit.record(
        access,
        { action: 'update', entityType: 'communication_technology', entityId: id, tenantId: rootId, before: snapshot, after: input },
        tx,
      );
    });
    return this.technology(id);
  }

  async removeTechnology(access: AccessContext, id: string): Promise<void> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'delete');
    const technology = await this.definitions.findTechnology(id);
    if (!technology) throw new EntityNotFoundException('communication technology', id);
    const inUse = describeUsage(`communication technology ${technology.name}`, await this.definitions.technologyUsage(id));
    if (inUse) throw new ConflictException(inUse.message, [], inUse.reason);
    await this.unitOfWork.run(async (tx) => {
      await this.definitions.deleteTechnology(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'communication_technology', entityId: id, tenantId: rootId, before: technology },
        tx,
      );
    });
  }

  async createField(access: AccessContext, technologyId: string, input: CreateTechnologyFieldDto): Promise<TechnologyFieldView> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'update');
    const technology = await this.definitions.findTechnology(technologyId);
    if (!technology) throw new EntityNotFoundException('communication technology', technologyId);
    this.assertFieldKeyFree(technology, input.key);
    await this.assertDatabaseRegex(input.regex, ['regex']);
    const field = await this.unitOfWork.run(async (tx) => {
      const sortOrder = input.sortOrder ?? Math.max(0, ...technology.fields.map((f) => f.sortOrder)) + 1;
      const created = await this.definitions.createField(tx, technologyId, { ...input, sortOrder });
      await this.audit.record(
        access,
        { action: 'create', entityType: 'communication_technology_field', entityId: created.id, tenantId: rootId, after: created },
        tx,
      );
      return created;
    });
    return mapTechnologyField(field);
  }

  async updateField(
    access: AccessContext,
    technologyId: string,
    fieldId: string,
    input: UpdateTechnologyFieldDto,
  ): Promise<TechnologyFieldView> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'update');
    const technology = await this.definitions.findTechnology(technologyId);
    const before = technology?.fields.find((f) => f.id === fieldId);
    if (!technology || !before) throw new EntityNotFoundException('identifier field', fieldId);
    if (input.key !== undefined) this.assertFieldKeyFree(technology, input.key, fieldId);
    if (input.regex !== undefined && input.regex !== before.regex) {
      await this.assertDatabaseRegex(input.regex, ['regex']);
      const rejected = await this.definitions.identifiersNotMatching(fieldId, input.regex);
      if (rejected) {
        throw new ConflictException(
          `${rejected} stored ${before.key} value${rejected === 1 ? '' : 's'} would not match the new pattern`,
          [{ path: ['regex'], message: 'rejects stored identifiers' }],
          { code: 'storedValuesRejected', params: { count: rejected } },
        );
      }
    }
    const field = await this.unitOfWork.run(async (tx) => {
      const updated = await this.definitions.updateField(tx, fieldId, input);
      if (input.isUnique !== undefined && input.isUnique !== before.isUnique) {
        // Stored identifiers carry the flag for the partial unique index; duplicates make this a 409.
        await this.definitions.setIdentifiersUnique(tx, fieldId, input.isUnique);
      }
      await this.audit.record(
        access,
        { action: 'update', entityType: 'communication_technology_field', entityId: fieldId, tenantId: rootId, before, after: updated },
        tx,
      );
      return updated;
    });
    return mapTechnologyField(field);
  }

  async removeField(access: AccessContext, technologyId: string, fieldId: string): Promise<void> {
    const rootId = requireRootRight(access, 'DEFINITIONS', 'update');
    const technology = await this.definitions.findTechnology(technologyId);
    const field = technology?.fields.find((f) => f.id === fieldId);
    if (!technology || !field) throw new EntityNotFoundException('identifier field', fieldId);
    const inUse = describeUsage(`field ${field.key} of ${technology.name}`, {
      deviceIdentifier: await this.definitions.fieldIdentifierCount(fieldId),
    });
    if (inUse) throw new ConflictException(inUse.message, [], inUse.reason);
    await this.unitOfWork.run(async (tx) => {
      await this.definitions.deleteField(tx, fieldId);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'communication_technology_field', entityId: fieldId, tenantId: rootId, before: field },
        tx,
      );
    });
  }

  private assertFieldKeyFree(technology: { name: string; fields: { id: string; key: string }[] }, key: string, exceptId?: string): void {
    if (technology.fields.some((f) => f.id !== exceptId && f.key.toLowerCase() === key.toLowerCase())) {
      throw ConflictException.alreadyExists(`${technology.name} already has a field ${key}`, ['key']);
    }
  }

  /** The identifier trigger matches values with PostgreSQL's regex engine, so it must accept the pattern too. */
  private async assertDatabaseRegex(pattern: string, path: ErrorDetail['path']): Promise<void> {
    const error = await this.definitions.databaseRegexError(pattern);
    if (error)
      throw new BadInputException(`${path.join('.')}: the database cannot use this pattern (${error})`, [
        { path, message: 'not a valid PostgreSQL regular expression' },
      ]);
  }
}
