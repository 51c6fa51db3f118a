import { Readable } from 'node:stream';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { AuditPageDto, ExportAuditQueryDto, ListAuditQueryDto } from './audit-log.dto';
import { AUDIT_EXPORT_MAX, AuditLogService } from './audit-log.service';

/** The audit log the API writes with every change: filterable, and exportable to CSV. */
@ApiTags('audit-log')
@Controller('audit-log')
export class AuditLogController {
  constructor(private readonly audit: AuditLogService) {}

  @Access('USERS', 'read')
  @Get()
  @ApiOkResponse({ type: AuditPageDto })
  list(@Auth() access: AccessContext, @Query() query: ListAuditQueryDto) {
    return this.audit.list(access, query);
  }

  /** The same filters as CSV (newest first, at most 50,000 rows), streamed. */
  @Access('USERS', 'read')
  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: `CSV, newest first, at most ${AUDIT_EXPORT_MAX} rows` })
  export(@Auth() access: AccessContext, @Query() query: ExportAuditQueryDto, @Res() reply: FastifyReply) {
    // Scope checked (404/403) before any CSV header is set.
    const lines = this.audit.csv(access, query);
    const name = `audit-log-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(Readable.from(lines));
  }
}
