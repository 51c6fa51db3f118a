import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { asSystem } from '../../core/database/tenant-scope';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { EntityNotFoundException } from '../../core/http/errors';
import type { BillingSettingsView, UpdateBillingSettings } from './invoicing.dto';
import { InvoicingRepository, type SettingsValues } from './invoicing.repository';

/** What applies where no tenant on the path has a row (the table's defaults, migration 0019). */
export const DEFAULT_BILLING_SETTINGS: SettingsValues = {
  noReadingPolicy: 'ESTIMATE',
  paymentTermDays: 15,
  scheduledRunDay: null,
  reminderDays: [3, 10],
  disconnectionAfterDays: 30,
  invoiceLanguage: 'tr',
};

export interface EffectiveSettings {
  values: SettingsValues;
  source: 'OWN' | 'ANCESTOR' | 'DEFAULT';
  sourceTenantId: string | null;
}

/**
 * Billing settings (issue 18): one row per tenant; a tenant without one takes its nearest ancestor's
 * row whole, then the defaults. Ancestors' rows are inherited values, read as system work after the
 * caller's check on the tenant (as tariffs).
 */
@Injectable()
export class BillingSettingsService {
  constructor(
    private readonly repository: InvoicingRepository,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async get(access: AccessContext, tenantId: string): Promise<BillingSettingsView> {
    access.require('BILLING', 'read', tenantId);
    return view(tenantId, await this.effective(tenantId));
  }

  async update(access: AccessContext, tenantId: string, input: UpdateBillingSettings): Promise<BillingSettingsView> {
    access.require('BILLING', 'update', tenantId);
    const before = await this.effective(tenantId);
    const values: SettingsValues = { ...input, reminderDays: [...new Set(input.reminderDays)].sort((a, b) => a - b) };
    await this.unitOfWork.run(async (tx) => {
      await this.repository.saveSettings(tx, tenantId, values);
      await this.audit.record(
        access,
        {
          action: before.source === 'OWN' ? 'update' : 'create',
          entityType: 'billing_settings',
          entityId: tenantId,
          tenantId,
          before: before.source === 'OWN' ? before.values : undefined,
          after: values,
        },
        tx,
      );
    });
    return this.get(access, tenantId);
  }

  /** The settings that apply at a tenant (system work: the caller was checked, or it is a job). */
  async effective(tenantId: string): Promise<EffectiveSettings> {
    const chain = await asSystem(() => this.repository.settingsChain(tenantId));
    const nearest = chain[0];
    if (!nearest) {
      if (!(await asSystem(() => this.repository.tenant(tenantId)))) throw new EntityNotFoundException('tenant', tenantId);
      return { values: DEFAULT_BILLING_SETTINGS, source: 'DEFAULT', sourceTenantId: null };
    }
    return {
      values: {
        noReadingPolicy: nearest.noReadingPolicy,
        paymentTermDays: nearest.paymentTermDays,
        scheduledRunDay: nearest.scheduledRunDay,
        reminderDays: nearest.reminderDays,
        disconnectionAfterDays: nearest.disconnectionAfterDays,
        invoiceLanguage: nearest.invoiceLanguage === 'en' ? 'en' : 'tr',
      },
      source: nearest.tenantId === tenantId ? 'OWN' : 'ANCESTOR',
      sourceTenantId: nearest.tenantId,
    };
  }
}

function view(tenantId: string, e: EffectiveSettings): BillingSettingsView {
  return { tenantId, ...e.values, source: e.source, sourceTenantId: e.sourceTenantId };
}
