import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { BillingRunsService } from './billing-runs.service';
import { BillingRunDto, BillingRunPageDto, ListBillingRunsQueryDto, StartBillingRunDto } from './invoicing.dto';

@ApiTags('billing')
@Controller('billing-runs')
export class BillingRunsController {
  constructor(private readonly runs: BillingRunsService) {}

  @Access('BILLING', 'read')
  @Get()
  @ApiOkResponse({ type: BillingRunPageDto })
  list(@Auth() access: AccessContext, @Query() query: ListBillingRunsQueryDto) {
    return this.runs.list(access, query);
  }

  @Access('BILLING', 'read')
  @Get(':id')
  @ApiOkResponse({ type: BillingRunDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.runs.detail(access, id);
  }

  /** Queues the run of a tenant's month (or runs a DRAFT/FAILED period again); its drafts are computed by the worker. */
  @Access('BILLING', 'create')
  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: BillingRunDto })
  start(@Auth() access: AccessContext, @Body() body: StartBillingRunDto) {
    return this.runs.start(access, body);
  }

  /** Issues every draft of the run (by the worker, each in its own transaction); re-posting resumes an interrupted issue. */
  @Access('BILLING', 'update')
  @Post(':id/issue')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: BillingRunDto })
  issue(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.runs.issue(access, id);
  }
}
