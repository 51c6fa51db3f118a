import { z } from 'zod';
import { exportOptionsShape } from '../../core/http/export';
import { createZodDto } from '../../core/http/zod-dto';

/**
 * An export's query: the file options, and every other key is the list's own filter and sort, checked
 * by the list's query schema (so an export takes exactly what its list takes; page and pageSize excepted).
 */
export const ExportQuerySchema = z.object(exportOptionsShape).catchall(z.union([z.string(), z.array(z.string())]));
export type ExportQuery = z.infer<typeof ExportQuerySchema>;
export class ExportQueryDto extends createZodDto(ExportQuerySchema) {}
