import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../core/http/paging';

export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'login', 'logout'] as const;

const filters = {
  tenantId: z.string().uuid().optional(),
  /** The user who made the change. */
  userId: z.string().uuid().optional(),
  entityType: z.string().trim().min(1).max(60).optional(),
  entityId: z.string().trim().min(1).max(64).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
};

export const ListAuditQuerySchema = z.object({ page: pageQueryShape.page, pageSize: pageQueryShape.pageSize, ...filters }).strict();
export class ListAuditQueryDto extends createZodDto(ListAuditQuerySchema) {}

export const ExportAuditQuerySchema = z.object(filters).strict();
export class ExportAuditQueryDto extends createZodDto(ExportAuditQuerySchema) {}
export type AuditFilters = z.infer<typeof ExportAuditQuerySchema>;

export const AuditEntrySchema = z.object({
  id: z.string(),
  createdAt: z.string().datetime(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  tenantId: z.string().uuid().nullable(),
  tenantName: z.string().nullable(),
  actorId: z.string().uuid().nullable(),
  actorName: z.string().nullable(),
  actorEmail: z.string().nullable(),
  requestId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEntryView = z.infer<typeof AuditEntrySchema>;
export class AuditPageDto extends createZodDto(pageSchema(AuditEntrySchema)) {}
