import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { sendExport } from '../../core/http/export';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { ExportQueryDto } from './exports.dto';
import { ExportsService, type ConsumptionOwner, type ExportableList } from './exports.service';

const PRODUCES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];
const described = (list: string) => ({
  description: `the ${list} list's rows for its filters (the list's own query keys, page and pageSize aside), CSV (ISO 8601) or XLSX (locale), streamed`,
});

/** Each console list's export, with the list's permission; the filters are the list's own. */
@ApiTags('exports')
@Controller('exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  private async send(access: AccessContext, list: ExportableList, query: ExportQueryDto, reply: FastifyReply) {
    return sendExport(reply, list, await this.exports.export(access, list, query));
  }

  @Access('LIVE_READINGS', 'read')
  @Get('readings')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse(described('Live Readings'))
  readings(@Auth() access: AccessContext, @Query() query: ExportQueryDto, @Res() reply: FastifyReply) {
    return this.send(access, 'readings', query, reply);
  }

  @Access('METERS', 'read')
  @Get('meters')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse(described('meters'))
  meters(@Auth() access: AccessContext, @Query() query: ExportQueryDto, @Res() reply: FastifyReply) {
    return this.send(access, 'meters', query, reply);
  }

  @Access('DEVICES', 'read')
  @Get('devices')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse(described('devices'))
  devices(@Auth() access: AccessContext, @Query() query: ExportQueryDto, @Res() reply: FastifyReply) {
    return this.send(access, 'devices', query, reply);
  }

  @Access('CUSTOMERS', 'read')
  @Get('customers')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse(described('customers'))
  customers(@Auth() access: AccessContext, @Query() query: ExportQueryDto, @Res() reply: FastifyReply) {
    return this.send(access, 'customers', query, reply);
  }

  @Access('SUBSCRIPTIONS', 'read')
  @Get('subscriptions')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse(described('subscriptions'))
  subscriptions(@Auth() access: AccessContext, @Query() query: ExportQueryDto, @Res() reply: FastifyReply) {
    return this.send(access, 'subscriptions', query, reply);
  }

  @Access('DASHBOARD', 'read')
  @Get('alarms')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse(described('alarms'))
  alarms(@Auth() access: AccessContext, @Query() query: ExportQueryDto, @Res() reply: FastifyReply) {
    return this.send(access, 'alarms', query, reply);
  }

  private async sendConsumption(access: AccessContext, owner: ConsumptionOwner, id: string, query: ExportQueryDto, reply: FastifyReply) {
    return sendExport(reply, `consumption-${owner.slice(0, -1)}`, await this.exports.consumption(access, owner, id, query));
  }

  @Access('METERS', 'read')
  @Get('consumption/meters/:id')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse({ description: "a meter's consumption table (from, to, interval as GET /api/meters/:id/consumption): a row a bucket" })
  meterConsumption(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Query() query: ExportQueryDto,
    @Res() reply: FastifyReply,
  ) {
    return this.sendConsumption(access, 'meters', id, query, reply);
  }

  @Access('SUBSCRIPTIONS', 'read')
  @Get('consumption/subscriptions/:id')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse({ description: "a subscription's consumption table, total and by meter and device" })
  subscriptionConsumption(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Query() query: ExportQueryDto,
    @Res() reply: FastifyReply,
  ) {
    return this.sendConsumption(access, 'subscriptions', id, query, reply);
  }

  @Access('CUSTOMERS', 'read')
  @Get('consumption/customers/:id')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse({ description: "a customer's consumption table, total and by subscription" })
  customerConsumption(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Query() query: ExportQueryDto,
    @Res() reply: FastifyReply,
  ) {
    return this.sendConsumption(access, 'customers', id, query, reply);
  }
}
