import { Readable } from 'node:stream';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth, Authenticated } from '../../core/auth/access.decorator';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { uploadedFile } from '../../core/http/upload';
import { ImportJobDto, ImportJobPageDto, ListImportsQueryDto, StartImportQueryDto } from './imports.dto';
import { ImportsService } from './imports.service';

const FILE_BODY = {
  schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'CSV or XLSX' } } },
};

/**
 * Imports (issue 17): upload a CSV or XLSX file of one kind; a job checks it (dry run, the default) or
 * writes it in the worker, with progress as `import.progress` live events and a downloadable error report.
 */
@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Access('METERS', 'update')
  @Post('readings')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_BODY)
  @ApiAcceptedResponse({ type: ImportJobDto, description: 'columns: meter_serial (and meter_brand) or device, time, index' })
  async readings(@Auth() access: AccessContext, @Query() query: StartImportQueryDto, @Req() req: FastifyRequest) {
    return this.imports.start(access, 'READINGS', query, await uploadedFile(req, this.config.IMPORT_MAX_BYTES));
  }

  @Access('METERS', 'create')
  @Post('meters')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_BODY)
  @ApiAcceptedResponse({
    type: ImportJobDto,
    description: 'columns: serial_no, brand, model; initial_index, installed_at, status, has_valve, subscription_no optional',
  })
  async meters(@Auth() access: AccessContext, @Query() query: StartImportQueryDto, @Req() req: FastifyRequest) {
    return this.imports.start(access, 'METERS', query, await uploadedFile(req, this.config.IMPORT_MAX_BYTES));
  }

  /** Needs SUBSCRIPTIONS create here and CUSTOMERS create at the tenant (checked by the service). */
  @Access('SUBSCRIPTIONS', 'create')
  @Post('customers')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_BODY)
  @ApiAcceptedResponse({
    type: ImportJobDto,
    description:
      'one row a subscription: subscription_no, type, group, the customer (name, surname, tc_id_no | organization_name, tax_id, tax_office, contact_name, contact_surname), phone, email and the address (city, district, neighborhood, street, building_no, floor, door_no, postal_code, uavt_code)',
  })
  async customers(@Auth() access: AccessContext, @Query() query: StartImportQueryDto, @Req() req: FastifyRequest) {
    return this.imports.start(access, 'CUSTOMERS', query, await uploadedFile(req, this.config.IMPORT_MAX_BYTES));
  }

  @Access('DEVICES', 'create')
  @Post('devices')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_BODY)
  @ApiAcceptedResponse({
    type: ImportJobDto,
    description:
      "columns: serial_no, brand, model; status, meter_serial (meter_brand) optional; every other column an identifier field named as the profile's technology names it (DevEUI, JoinEUI, AppKey, IMEI, …)",
  })
  async devices(@Auth() access: AccessContext, @Query() query: StartImportQueryDto, @Req() req: FastifyRequest) {
    return this.imports.start(access, 'DEVICES', query, await uploadedFile(req, this.config.IMPORT_MAX_BYTES));
  }

  @Authenticated()
  @Get()
  @ApiOkResponse({ type: ImportJobPageDto, description: "jobs of the tenants where the caller reads the kind's module, newest first" })
  list(@Auth() access: AccessContext, @Query() query: ListImportsQueryDto) {
    return this.imports.list(access, query);
  }

  @Authenticated()
  @Get(':id')
  @ApiOkResponse({ type: ImportJobDto })
  get(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.imports.get(access, id);
  }

  /** Runs a passed dry run for real, on the same file; needs the kind's import right at its tenant. */
  @Authenticated()
  @Post(':id/confirm')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ImportJobDto })
  confirm(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.imports.confirm(access, id);
  }

  @Authenticated()
  @Get(':id/errors.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV of row, column, message; a file-level failure first' })
  async errors(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Res() reply: FastifyReply) {
    const { name, lines } = await this.imports.errorReport(access, id);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(Readable.from(lines));
  }
}
