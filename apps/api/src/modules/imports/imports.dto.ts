import { z } from 'zod';
import { createZodDto } from '../../core/http/zod-dto';
import { pageSchema } from '../../core/http/paging';
import { IMPORT_ENCODINGS } from './import-file';
import type { ImportJobRow } from './imports.repository';

export const IMPORT_KINDS = ['READINGS', 'METERS', 'CUSTOMERS', 'DEVICES'] as const;
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Query of an upload: the file itself is the multipart body's one file part. */
export const StartImportQuerySchema = z
  .object({
    /** The tenant rows are imported into; needed when the caller may import into several. */
    tenantId: z.string().uuid({ message: 'must be a UUID' }).optional(),
    /** true (default): check every row and report, write nothing. */
    dryRun: bool.default(true),
    /** The file's text encoding; detected when left out (UTF-8 with or without BOM, UTF-16 with BOM, else windows-1254). */
    encoding: z.enum(IMPORT_ENCODINGS, { message: `must be one of ${IMPORT_ENCODINGS.join(', ')}` }).optional(),
    /** The CSV delimiter; detected from the header line when left out. `tab` for a tab. */
    delimiter: z
      .enum([',', ';', 'tab', '|'], { message: 'must be one of , ; tab |' })
      .transform((d) => (d === 'tab' ? '\t' : d))
      .optional(),
  })
  .strict();
export type StartImportQuery = z.infer<typeof StartImportQuerySchema>;
export class StartImportQueryDto extends createZodDto(StartImportQuerySchema) {}

export const ListImportsQuerySchema = z
  .object({
    kind: z.enum(IMPORT_KINDS).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(30),
  })
  .strict();
export type ListImportsQuery = z.infer<typeof ListImportsQuerySchema>;
export class ListImportsQueryDto extends createZodDto(ListImportsQuerySchema) {}

export const ImportJobSchema = z.object({
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  kind: z.enum(IMPORT_KINDS),
  dryRun: z.boolean(),
  status: z.enum(['QUEUED', 'RUNNING', 'DONE', 'FAILED']),
  fileName: z.string(),
  fileSize: z.number().int(),
  format: z.enum(['CSV', 'XLSX']),
  /** When the file's content was deleted after IMPORT_RETENTION_DAYS (null: kept); the job and its report stay, a dry run can no longer be confirmed. */
  filePurgedAt: z.string().datetime().nullable(),
  /** Asked for (null: detect) and used. */
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  usedEncoding: z.string().nullable(),
  usedDelimiter: z.string().nullable(),
  totalRows: z.number().int(),
  createdRows: z.number().int(),
  unchangedRows: z.number().int(),
  failedRows: z.number().int(),
  /** Why the file failed as a whole (unreadable, missing columns, rows with errors in a real run). */
  message: z.string().nullable(),
  createdBy: z.string().uuid().nullable(),
  createdAt: z.string().datetime(),
  startedAt: z.string().datetime().nullable(),
  finishedAt: z.string().datetime().nullable(),
});
export type ImportJobView = z.infer<typeof ImportJobSchema>;
export class ImportJobDto extends createZodDto(ImportJobSchema) {}
export class ImportJobPageDto extends createZodDto(pageSchema(ImportJobSchema)) {}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function mapImportJob(r: ImportJobRow): ImportJobView {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    kind: r.kind,
    dryRun: r.dry_run,
    status: r.status,
    fileName: r.file_name,
    fileSize: Number(r.file_size),
    format: r.file_format,
    filePurgedAt: iso(r.file_purged_at),
    encoding: r.encoding,
    delimiter: r.delimiter,
    usedEncoding: r.used_encoding,
    usedDelimiter: r.used_delimiter,
    totalRows: r.total_rows,
    createdRows: r.created_rows,
    unchangedRows: r.unchanged_rows,
    failedRows: r.failed_rows,
    message: r.message,
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
  };
}
