import { Injectable } from '@nestjs/common';
import { asSystem } from '../../core/database/tenant-scope';
import { PricingError } from '../billing/pricing/pricing';
import { tariffFor, TariffsService, type PricingTariff } from '../billing/tariffs.service';
import { BillingSettingsService } from './billing-settings.service';
import { addDays, computeDraft, signedLitres, type InvoiceLanguage, type NoReadingPolicy } from './drafts';
import { InvoicingRepository, type BillableSubscription, type NewDraft } from './invoicing.repository';

/** Days before a period whose rollups make the no-reading estimate. */
export const ESTIMATE_HISTORY_DAYS = 90;

/** What a tenant's period is billed with: the tariffs that apply there and the billing settings. */
export interface PeriodContext {
  tenantId: string;
  timeZone: string;
  periodStart: string;
  periodEnd: string;
  policy: NoReadingPolicy;
  language: InvoiceLanguage;
  tariffs: PricingTariff[];
}

export interface DraftProblem {
  subscriptionId: string;
  subscriptionNo: string;
  reason: string;
}

/**
 * Turns subscriptions of one tenant's period into drafts (the billing run's batches and a re-issue):
 * the reads for a batch are a few set queries, the pricing is the pure `computeDraft`. A subscription
 * that cannot be priced becomes a problem with its reason, never a failed run.
 */
@Injectable()
export class InvoiceDraftsService {
  constructor(
    private readonly repository: InvoicingRepository,
    private readonly tariffs: TariffsService,
    private readonly settings: BillingSettingsService,
  ) {}

  async context(tenantId: string, timeZone: string, periodStart: string, periodEnd: string): Promise<PeriodContext> {
    const settings = await this.settings.effective(tenantId);
    const tariffs = await asSystem(() => this.tariffs.pricingTariffsAt(tenantId));
    return {
      tenantId,
      timeZone,
      periodStart,
      periodEnd,
      policy: settings.values.noReadingPolicy,
      language: settings.values.invoiceLanguage,
      tariffs,
    };
  }

  /**
   * Drafts for `subscriptions`; `consumption` holds the period's rollup sums of those that have any
   * (the run reads the whole tenant's once; without it they are read here).
   */
  async compute(
    ctx: PeriodContext,
    subscriptions: BillableSubscription[],
    consumption?: Map<string, { m3: string; estimated: string }>,
  ): Promise<{ drafts: NewDraft[]; problems: DraftProblem[] }> {
    const ids = subscriptions.map((s) => s.id);
    const metered = consumption ?? (await this.repository.rollups(ids, ctx.periodStart, ctx.periodEnd));
    const unread = ids.filter((id) => !metered.has(id));
    const history =
      ctx.policy === 'ESTIMATE' && unread.length
        ? await this.repository.rollups(unread, addDays(ctx.periodStart, -ESTIMATE_HISTORY_DAYS), ctx.periodStart)
        : new Map<string, { m3: string; days: number }>();
    const earlier = await this.repository.earlierPeriods(ids, ctx.periodStart);
    const drafts: NewDraft[] = [];
    const problems: DraftProblem[] = [];
    for (const s of subscriptions) {
      const problem = (reason: string) => problems.push({ subscriptionId: s.id, subscriptionNo: s.subscription_no, reason });
      const tariff = tariffFor(ctx.tariffs, s.subscription_type, s.group_id);
      if (!tariff) {
        problem(`no tariff applies to ${s.subscription_type} subscriptions of this group`);
        continue;
      }
      const m = metered.get(s.id);
      const h = history.get(s.id);
      const e = earlier.get(s.id);
      try {
        const draft = computeDraft({
          serviceStart: s.service_start,
          serviceEnd: s.service_end,
          versions: tariff.versions,
          metered: m ? { litres: signedLitres(m.m3), estimatedLitres: signedLitres(m.estimated) } : null,
          policy: ctx.policy,
          history: h ? { litres: Math.max(0, signedLitres(h.m3)), days: h.days } : null,
          earlier: e ? { billedLitres: signedLitres(e.billed), currentLitres: signedLitres(e.current) } : null,
          language: ctx.language,
        });
        drafts.push({
          subscriptionId: s.id,
          customerId: s.customer_id,
          periodStart: ctx.periodStart,
          periodEnd: ctx.periodEnd,
          language: ctx.language,
          correctsInvoiceId: null,
          draft,
        });
      } catch (error) {
        if (error instanceof PricingError || error instanceof RangeError) problem(`tariff ${tariff.code}: ${error.message}`);
        else throw error;
      }
    }
    return { drafts, problems };
  }
}
