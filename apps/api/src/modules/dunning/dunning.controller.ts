import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { sendExport } from '../../core/http/export';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  DisconnectionOrderDto,
  DisconnectionOrderPageDto,
  DisconnectionsExportQueryDto,
  DisconnectionsQueryDto,
  DunningStepListDto,
  FieldConfirmationDto,
  OverdueInvoicePageDto,
  OverdueQueryDto,
  RunDunningDto,
  RunSummaryDto,
  StepsQueryDto,
} from './dunning.dto';
import { DunningService } from './dunning.service';

@ApiTags('billing')
@Controller('dunning')
export class DunningController {
  constructor(private readonly dunning: DunningService) {}

  /** Runs one tenant's dunning day now (the daily job does the same); `date` is for tests and catching up. */
  @Access('BILLING', 'update')
  @Post('run')
  @HttpCode(200)
  @ApiOkResponse({ type: RunSummaryDto })
  run(@Auth() access: AccessContext, @Body() body: RunDunningDto) {
    return this.dunning.run(access, body);
  }

  @Access('BILLING', 'read')
  @Get('overdue')
  @ApiOkResponse({ type: OverdueInvoicePageDto })
  overdue(@Auth() access: AccessContext, @Query() query: OverdueQueryDto) {
    return this.dunning.overdue(access, query);
  }

  @Access('BILLING', 'read')
  @Get('disconnections')
  @ApiOkResponse({ type: DisconnectionOrderPageDto })
  disconnections(@Auth() access: AccessContext, @Query() query: DisconnectionsQueryDto) {
    return this.dunning.disconnections(access, query);
  }

  @Access('BILLING', 'read')
  @Get('disconnections/export')
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'the disconnection work-order list for its filters, CSV or XLSX, streamed' })
  exportDisconnections(@Auth() access: AccessContext, @Query() query: DisconnectionsExportQueryDto, @Res() reply: FastifyReply) {
    return sendExport(reply, 'disconnections', this.dunning.exportDisconnections(access, query));
  }

  /** The field crew's confirmation that the subscription was disconnected. */
  @Access('BILLING', 'update')
  @Post('disconnections/:id/execute')
  @HttpCode(200)
  @ApiOkResponse({ type: DisconnectionOrderDto })
  execute(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: FieldConfirmationDto) {
    return this.dunning.execute(access, id, body);
  }

  /** The field crew's confirmation that the subscription was reconnected. */
  @Access('BILLING', 'update')
  @Post('disconnections/:id/reconnect')
  @HttpCode(200)
  @ApiOkResponse({ type: DisconnectionOrderDto })
  reconnect(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: FieldConfirmationDto) {
    return this.dunning.reconnect(access, id, body);
  }

  @Access('BILLING', 'read')
  @Get('steps')
  @ApiOkResponse({ type: DunningStepListDto })
  steps(@Auth() access: AccessContext, @Query() query: StepsQueryDto) {
    return this.dunning.steps(access, query.invoiceId);
  }
}
