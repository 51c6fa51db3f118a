import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { uploadedFile } from '../../core/http/upload';
import {
  AssignLineDto,
  BankStatementDetailDto,
  BankStatementPageDto,
  IgnoreLineDto,
  ImportStatementQueryDto,
  ListStatementsQueryDto,
} from './bank-statements.dto';
import { BankStatementsService } from './bank-statements.service';

/** Bank statements (issue 18): import (CAMT.053 or a bank's CSV), the lines and the operator's matching. */
@ApiTags('billing')
@Controller('bank-statements')
export class BankStatementsController {
  constructor(
    private readonly statements: BankStatementsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Access('BILLING', 'create')
  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'CAMT.053 XML or a bank CSV export' } },
    },
  })
  @ApiCreatedResponse({ type: BankStatementDetailDto, description: 'the statement with each line and what became of it' })
  async import(@Auth() access: AccessContext, @Query() query: ImportStatementQueryDto, @Req() req: FastifyRequest) {
    return this.statements.import(access, query.tenantId, await uploadedFile(req, this.config.IMPORT_MAX_BYTES));
  }

  @Access('BILLING', 'read')
  @Get()
  @ApiOkResponse({ type: BankStatementPageDto })
  list(@Auth() access: AccessContext, @Query() query: ListStatementsQueryDto) {
    return this.statements.list(access, query);
  }

  @Access('BILLING', 'read')
  @Get(':id')
  @ApiOkResponse({ type: BankStatementDetailDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.statements.detail(access, id);
  }

  /** Books a waiting (ambiguous or unmatched) line as a payment of the customer, or to the invoice first. */
  @Access('BILLING', 'create')
  @Post(':id/lines/:lineId/assign')
  @HttpCode(200)
  @ApiOkResponse({ type: BankStatementDetailDto })
  assign(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('lineId', UuidPipe) lineId: string,
    @Body() body: AssignLineDto,
  ) {
    return this.statements.assign(access, id, lineId, body);
  }

  /** Puts a waiting line aside (not the utility's money, returned to the payer, …). */
  @Access('BILLING', 'update')
  @Post(':id/lines/:lineId/ignore')
  @HttpCode(200)
  @ApiOkResponse({ type: BankStatementDetailDto })
  ignore(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('lineId', UuidPipe) lineId: string,
    @Body() body: IgnoreLineDto,
  ) {
    return this.statements.ignore(access, id, lineId, body);
  }
}
