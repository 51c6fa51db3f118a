import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { createZodDto } from '../../core/http/zod-dto';

export const PAYMENT_PROVIDERS = ['stripe'] as const;

export const SetPaymentProviderSchema = z
  .object({
    provider: z.enum(PAYMENT_PROVIDERS).default('stripe'),
    /** The endpoint's signing secret from the provider's dashboard (Stripe: whsec_…). Write-only. */
    signingSecret: z
      .string()
      .trim()
      .min(16, 'at least 16 characters')
      .max(200)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .optional(),
    enabled: z.boolean().default(true),
  })
  .strict();
export class SetPaymentProviderDto extends createZodDto(SetPaymentProviderSchema) {}
export type SetPaymentProvider = z.infer<typeof SetPaymentProviderSchema>;

export const PaymentProviderSchema = z.object({
  tenantId: z.string(),
  provider: z.enum(PAYMENT_PROVIDERS),
  enabled: z.boolean(),
  /** Tells the configured secret apart (SHA-256 prefix); the secret itself is never shown. */
  secretFingerprint: z.string(),
  /** Until when the secret replaced last is still accepted (a rotation's overlap), or null. */
  previousSecretValidUntil: z.string().nullable(),
  /** The path to give the provider as the webhook endpoint, after the API's public origin. */
  webhookPath: z.string(),
  updatedAt: z.string(),
});
export class PaymentProviderDto extends createZodDto(PaymentProviderSchema) {}
export type PaymentProviderView = z.infer<typeof PaymentProviderSchema>;

/** What the webhook answers a verified event (Stripe only reads the status). */
export const WebhookAnswerSchema = z.object({
  received: z.literal(true),
  duplicate: z.boolean(),
  outcome: z.enum(['APPLIED', 'IGNORED', 'UNMATCHED']),
});
export class WebhookAnswerDto extends createZodDto(WebhookAnswerSchema) {}

/** The part of a Stripe event this endpoint reads. */
export const StripeEventSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(100),
  created: z.number().int().optional(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type StripeEvent = z.infer<typeof StripeEventSchema>;

export const StripePaymentIntentSchema = z.object({
  id: z.string().min(1).max(100),
  amount: z.number().int().positive().optional(),
  amount_received: z.number().int().positive().optional(),
  currency: z.string(),
  created: z.number().int().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});

export const StripeChargeSchema = z.object({
  id: z.string().min(1).max(100),
  payment_intent: z.string().min(1).max(100).nullable(),
  amount_refunded: z.number().int().min(0),
  currency: z.string(),
});

export const ProviderEventsQuerySchema = z
  .object({
    page: pageQueryShape.page,
    pageSize: pageQueryShape.pageSize,
    outcome: z.enum(['APPLIED', 'IGNORED', 'UNMATCHED']).optional(),
  })
  .strict();
export class ProviderEventsQueryDto extends createZodDto(ProviderEventsQuerySchema) {}
export type ProviderEventsQuery = z.infer<typeof ProviderEventsQuerySchema>;

export const ProviderEventSchema = z.object({
  id: z.string(),
  provider: z.enum(PAYMENT_PROVIDERS),
  eventId: z.string(),
  type: z.string(),
  outcome: z.enum(['APPLIED', 'IGNORED', 'UNMATCHED']),
  /** Why it was ignored or unmatched. */
  detail: z.string().nullable(),
  paymentId: z.string().nullable(),
  receivedAt: z.string(),
});
export class ProviderEventPageDto extends createZodDto(pageSchema(ProviderEventSchema)) {}
export type ProviderEventView = z.infer<typeof ProviderEventSchema>;
