import { Inject, Injectable, Logger } from '@nestjs/common';
import type { z } from 'zod';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { asSystem } from '../../core/database/tenant-scope';
import { fingerprint, SecretBox } from '../../core/secrets/secret-box';
import { UnitOfWork, type Transaction } from '../../core/database/unit-of-work';
import { BadInputException, EntityNotFoundException } from '../../core/http/errors';
import type { Page } from '../../core/http/paging';
import {
  StripeChargeSchema,
  StripeEventSchema,
  StripePaymentIntentSchema,
  type PaymentProviderView,
  type ProviderEventsQuery,
  type ProviderEventView,
  type SetPaymentProvider,
  type StripeEvent,
} from './payment-provider.dto';
import { PaymentProviderRepository, type ProviderEventInsert, type ProviderSettingsRow } from './payment-provider.repository';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { verifyStripeSignature } from './stripe-signature';

const PROVIDER = 'stripe';
/** After a rotation the previous secret keeps working this long (Stripe's own overlap is up to 24 h). */
const ROTATION_OVERLAP_MS = 24 * 3600_000;
/** One answer for every refusal, so a caller learns nothing about which tenants exist or are configured. */
const REFUSED = 'webhook signature verification failed';

type Outcome = Pick<ProviderEventInsert, 'outcome' | 'detail' | 'paymentId'>;

/**
 * The payment provider (issue 18): Stripe-signed webhooks per tenant. Only a verified event is stored
 * (once per event id); payment_intent.succeeded books a PROVIDER payment (by metadata.invoice_number or
 * metadata.subscription_no), charge.refunded books the refund's new part. Outgoing checkout (creating
 * payment intents) needs network access this platform does not have: out of scope.
 */
@Injectable()
export class PaymentProviderService {
  private readonly logger = new Logger('payment-provider');
  private readonly box: SecretBox;

  constructor(
    private readonly provider: PaymentProviderRepository,
    private readonly payments: PaymentsRepository,
    private readonly paymentsService: PaymentsService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.box = new SecretBox(config.SECRETS_KEY, 'payment-provider-signing-secret');
  }

  async settings(access: AccessContext, tenantId: string): Promise<PaymentProviderView> {
    access.require('BILLING', 'read', tenantId);
    const row = await this.provider.settings(tenantId, PROVIDER);
    if (!row) throw new EntityNotFoundException('payment provider settings');
    return view(row);
  }

  /** The verified events received for a tenant (an UNMATCHED one is money an operator books at the cash desk). */
  async events(access: AccessContext, tenantId: string, q: ProviderEventsQuery): Promise<Page<ProviderEventView>> {
    access.require('BILLING', 'read', tenantId);
    const { rows, total } = await this.provider.events(tenantId, q.outcome, (q.page - 1) * q.pageSize, q.pageSize);
    return {
      items: rows.map((r) => ({
        id: r.id,
        provider: 'stripe' as const,
        eventId: r.eventId,
        type: r.type,
        outcome: r.outcome as ProviderEventView['outcome'],
        detail: r.detail,
        paymentId: r.paymentId,
        receivedAt: r.receivedAt.toISOString(),
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** Sets (or rotates) the signing secret and switches the provider on or off; the secret is write-only. */
  async setSettings(access: AccessContext, tenantId: string, input: SetPaymentProvider): Promise<PaymentProviderView> {
    access.require('BILLING', 'update', tenantId);
    await this.unitOfWork.run(async (tx) => {
      const before = await this.provider.settings(tenantId, input.provider, tx);
      if (!before && !input.signingSecret)
        throw new BadInputException('the first setting needs the signing secret', [{ path: ['signingSecret'], message: 'required' }]);
      const rotated = Boolean(before && input.signingSecret && fingerprint(input.signingSecret) !== before.secretFingerprint);
      await this.provider.saveSettings(tx, {
        tenantId,
        provider: input.provider,
        enabled: input.enabled,
        secretCiphertext: input.signingSecret ? this.box.seal(input.signingSecret) : before!.secretCiphertext,
        secretFingerprint: input.signingSecret ? fingerprint(input.signingSecret) : before!.secretFingerprint,
        previousCiphertext: rotated ? before!.secretCiphertext : (before?.previousCiphertext ?? null),
        previousValidUntil: rotated ? new Date(Date.now() + ROTATION_OVERLAP_MS) : (before?.previousValidUntil ?? null),
        updatedById: access.userId,
      });
      await this.audit.record(
        access,
        {
          action: before ? 'update' : 'create',
          entityType: 'payment_provider_settings',
          entityId: tenantId,
          tenantId,
          before: before ? { enabled: before.enabled, secretFingerprint: before.secretFingerprint } : undefined,
          after: { provider: input.provider, enabled: input.enabled, secretChanged: Boolean(input.signingSecret), rotated },
        },
        tx,
      );
    });
    return this.settings(access, tenantId);
  }

  /** A Stripe webhook delivery for a tenant: verified against its secrets, then handled once per event id. */
  handleStripe(tenantId: string, rawBody: Buffer | undefined, signature: string | undefined) {
    return asSystem(async () => {
      const settings = await this.provider.settings(tenantId, PROVIDER);
      const secrets = settings?.enabled ? this.secretsOf(settings) : [];
      const verdict = rawBody ? verifyStripeSignature(rawBody, signature, secrets) : ({ ok: false, reason: 'malformed' } as const);
      if (!verdict.ok) {
        this.logger.warn({ tenantId, reason: verdict.reason }, 'payment webhook refused');
        throw new BadInputException(REFUSED);
      }
      let event: StripeEvent;
      try {
        event = StripeEventSchema.parse(JSON.parse(rawBody!.toString('utf8')));
      } catch {
        throw new BadInputException('the event is not a Stripe event object', [
          { path: ['body'], message: 'id, type and data.object expected' },
        ]);
      }
      let booked: string | null = null;
      const answer = await this.unitOfWork.run(async (tx) => {
        await this.provider.lockEvent(tx, `${tenantId}:${event.id}`);
        const seen = await this.provider.event(tenantId, PROVIDER, event.id, tx);
        if (seen) return { received: true as const, duplicate: true, outcome: seen.outcome as Outcome['outcome'] };
        const outcome = await this.apply(tx, tenantId, event);
        if (event.type === 'payment_intent.succeeded' && outcome.outcome === 'APPLIED') booked = outcome.paymentId;
        await this.provider.insertEvent(tx, {
          tenantId,
          provider: PROVIDER,
          eventId: event.id,
          type: event.type,
          payload: event,
          ...outcome,
        });
        return { received: true as const, duplicate: false, outcome: outcome.outcome };
      });
      if (booked) await this.paymentsService.paid(tenantId, booked);
      return answer;
    });
  }

  private secretsOf(s: ProviderSettingsRow): string[] {
    const out = [this.box.open(s.secretCiphertext)];
    if (s.previousCiphertext && s.previousValidUntil && s.previousValidUntil.getTime() > Date.now())
      out.push(this.box.open(s.previousCiphertext));
    return out.filter((x): x is string => x !== null);
  }

  private async apply(tx: Transaction, tenantId: string, event: StripeEvent): Promise<Outcome> {
    const ignored = (detail: string): Outcome => ({ outcome: 'IGNORED', detail, paymentId: null });
    if (event.type === 'payment_intent.succeeded') {
      const pi = parse(StripePaymentIntentSchema, event.data.object);
      if (!pi) return ignored('not a payment intent');
      if (pi.currency.toLowerCase() !== 'try') return ignored(`currency ${pi.currency}: only TRY is booked`);
      const amount = pi.amount_received ?? pi.amount;
      if (!amount) return ignored('no amount');
      const externalId = `stripe:${pi.id}`;
      const booked = await this.payments.paymentByExternalId(tenantId, externalId, tx);
      if (booked) return { outcome: 'IGNORED', detail: 'payment intent booked already', paymentId: booked.id };
      const invoiceNumber = pi.metadata?.invoice_number?.trim();
      const subscriptionNo = pi.metadata?.subscription_no?.trim();
      const [invoice] = invoiceNumber ? await this.payments.invoicesByNumber(tenantId, [invoiceNumber], tx) : [];
      const [subscription] = !invoice && subscriptionNo ? await this.payments.subscriptionsByNo(tenantId, [subscriptionNo], tx) : [];
      const customerId = invoice?.customerId ?? subscription?.customerId;
      if (!customerId)
        return {
          outcome: 'UNMATCHED',
          detail: `no invoice ${invoiceNumber ?? '-'} or subscription ${subscriptionNo ?? '-'}`,
          paymentId: null,
        };
      const paymentId = await this.paymentsService.book(tx, null, {
        customer: { id: customerId, tenantId },
        subscriptionId: invoice?.subscriptionId ?? subscription?.id ?? null,
        method: 'PROVIDER',
        amountKurus: BigInt(amount),
        receivedAt: new Date((pi.created ?? event.created ?? Math.floor(Date.now() / 1000)) * 1000),
        receiptNo: pi.id.slice(0, 60),
        reference: `Stripe ${pi.id}`,
        externalId,
        note: null,
        targetInvoiceId: invoice?.status === 'ISSUED' ? invoice.id : null,
        description: `Kart ödemesi (Stripe) ${pi.id}${invoice ? ` (${invoice.number})` : ''}`,
      });
      return { outcome: 'APPLIED', detail: null, paymentId };
    }
    if (event.type === 'charge.refunded') {
      const charge = parse(StripeChargeSchema, event.data.object);
      if (!charge?.payment_intent) return ignored('not a charge of a payment intent');
      const payment = await this.payments.paymentByExternalId(tenantId, `stripe:${charge.payment_intent}`, tx);
      if (!payment) return { outcome: 'UNMATCHED', detail: `no payment for ${charge.payment_intent}`, paymentId: null };
      // amount_refunded is cumulative: book what is new since the refunds already recorded.
      const delta = BigInt(charge.amount_refunded) - payment.refundedKurus;
      if (delta <= 0n) return ignored('no new refund');
      if (delta > payment.amountKurus - payment.refundedKurus) return ignored('refund larger than the payment');
      const refundId = await this.paymentsService.refundInTx(
        tx,
        null,
        payment.id,
        delta,
        `Stripe ${charge.id}`,
        `stripe-refund:${charge.id}:${charge.amount_refunded}`,
      );
      return { outcome: 'APPLIED', detail: null, paymentId: refundId };
    }
    return ignored(`event type ${event.type} is not handled`);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T | null {
  const r = schema.safeParse(value);
  return r.success ? r.data : null;
}

function view(row: ProviderSettingsRow): PaymentProviderView {
  return {
    tenantId: row.tenantId,
    provider: 'stripe',
    enabled: row.enabled,
    secretFingerprint: row.secretFingerprint,
    previousSecretValidUntil:
      row.previousValidUntil && row.previousValidUntil.getTime() > Date.now() ? row.previousValidUntil.toISOString() : null,
    webhookPath: `/api/payment-webhooks/${row.provider}/${row.tenantId}`,
    updatedAt: row.updatedAt.toISOString(),
  };
}
