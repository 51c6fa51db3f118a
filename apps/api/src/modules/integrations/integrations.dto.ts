import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';

export const INTEGRATION_KINDS = ['TTN', 'CHIRPSTACK', 'SIGFOX', 'GENERIC'] as const;

export const CreateIntegrationSchema = z
  .object({
    tenantId: z.string().uuid(),
    kind: z.enum(INTEGRATION_KINDS),
    name: z.string().trim().min(1).max(100),
    /** ChirpStack application id, used to route MQTT topics application/<id>/device/+/event/up. */
    externalId: z.string().trim().min(1).max(100).nullish(),
  })
  .strict();
export class CreateIntegrationDto extends createZodDto(CreateIntegrationSchema) {}

export const UpdateIntegrationSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    isActive: z.boolean().optional(),
    externalId: z.string().trim().min(1).max(100).nullish(),
  })
  .strict();
export class UpdateIntegrationDto extends createZodDto(UpdateIntegrationSchema) {}

export const ListIntegrationsQuerySchema = z.object({ tenantId: z.string().uuid().optional() }).strict();
export class ListIntegrationsQueryDto extends createZodDto(ListIntegrationsQuerySchema) {}

export const IntegrationSchema = z.object({
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  kind: z.enum(INTEGRATION_KINDS),
  name: z.string(),
  externalId: z.string().nullable(),
  isActive: z.boolean(),
  createdAt: z.string().datetime(),
  /** Where the network server posts uplinks (path under the API's base URL). */
  webhookPath: z.string(),
});
export class IntegrationDto extends createZodDto(IntegrationSchema) {}

/** A list row adds what an operator checks first: when the network server last posted, and how it went over 24 h. */
export const IntegrationWithStatsSchema = IntegrationSchema.extend({
  lastUplinkAt: z.string().datetime().nullable(),
  uplinks24h: z.object({ DECODED: z.number().int(), FAILED: z.number().int(), RECEIVED: z.number().int() }),
});
export class IntegrationListDto extends createZodDto(z.array(IntegrationWithStatsSchema)) {}

/** The secret is shown once, at creation or rotation. */
export const IntegrationWithSecretSchema = IntegrationSchema.extend({ secret: z.string() });
export class IntegrationWithSecretDto extends createZodDto(IntegrationWithSecretSchema) {}

export function webhookPath(kind: (typeof INTEGRATION_KINDS)[number], id: string): string {
  return `/api/ingest/${kind.toLowerCase()}/${id}`;
}

export function mapIntegration(i: {
  id: string;
  tenantId: string;
  kind: (typeof INTEGRATION_KINDS)[number];
  name: string;
  externalId: string | null;
  isActive: boolean;
  createdAt: Date;
}) {
  return {
    id: i.id,
    tenantId: i.tenantId,
    kind: i.kind,
    name: i.name,
    externalId: i.externalId,
    isActive: i.isActive,
    createdAt: i.createdAt.toISOString(),
    webhookPath: webhookPath(i.kind, i.id),
  };
}
