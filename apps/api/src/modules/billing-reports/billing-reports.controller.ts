import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { sendExport } from '../../core/http/export';
import {
  AgingDto,
  AgingExportQueryDto,
  AgingQueryDto,
  BilledCollectedDto,
  ByGroupDto,
  MonthsExportQueryDto,
  MonthsQueryDto,
} from './billing-reports.dto';
import { BillingReportsService } from './billing-reports.service';

const PRODUCES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

@ApiTags('billing')
@Controller('billing-reports')
export class BillingReportsController {
  constructor(private readonly reports: BillingReportsService) {}

  @Access('BILLING', 'read')
  @Get('billed-collected')
  @ApiOkResponse({ type: BilledCollectedDto })
  billedCollected(@Auth() access: AccessContext, @Query() query: MonthsQueryDto) {
    return this.reports.billedCollected(access, query);
  }

  @Access('BILLING', 'read')
  @Get('billed-collected/export')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse({ description: 'billed vs collected per month, CSV or XLSX' })
  async exportBilledCollected(@Auth() access: AccessContext, @Query() query: MonthsExportQueryDto, @Res() reply: FastifyReply) {
    return sendExport(reply, 'billed-collected', await this.reports.exportBilledCollected(access, query));
  }

  @Access('BILLING', 'read')
  @Get('aging')
  @ApiOkResponse({ type: AgingDto })
  aging(@Auth() access: AccessContext, @Query() query: AgingQueryDto) {
    return this.reports.aging(access, query);
  }

  @Access('BILLING', 'read')
  @Get('aging/export')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse({ description: 'outstanding amounts by days past due, a row a customer, CSV or XLSX, streamed' })
  exportAging(@Auth() access: AccessContext, @Query() query: AgingExportQueryDto, @Res() reply: FastifyReply) {
    return sendExport(reply, 'aging', this.reports.exportAging(access, query));
  }

  @Access('BILLING', 'read')
  @Get('by-group')
  @ApiOkResponse({ type: ByGroupDto })
  byGroup(@Auth() access: AccessContext, @Query() query: MonthsQueryDto) {
    return this.reports.byGroup(access, query);
  }

  @Access('BILLING', 'read')
  @Get('by-group/export')
  @ApiProduces(...PRODUCES)
  @ApiOkResponse({ description: 'consumption and revenue by subscription group per month, CSV or XLSX' })
  async exportByGroup(@Auth() access: AccessContext, @Query() query: MonthsExportQueryDto, @Res() reply: FastifyReply) {
    return sendExport(reply, 'by-group', await this.reports.exportByGroup(access, query));
  }
}
