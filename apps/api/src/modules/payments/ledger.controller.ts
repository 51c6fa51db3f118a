import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { sendExport } from '../../core/http/export';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { BalanceDto, StatementDto, StatementExportQueryDto, StatementQueryDto } from './payments.dto';
import { LedgerService } from './ledger.service';

/** A customer's account: statement (with its export) and balance, under the BILLING rights. */
@ApiTags('billing')
@Controller('customers')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Access('BILLING', 'read')
  @Get(':id/statement')
  @ApiOkResponse({ type: StatementDto })
  statement(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Query() query: StatementQueryDto) {
    return this.ledger.statement(access, id, query);
  }

  @Access('BILLING', 'read')
  @Get(':id/statement/export')
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'the statement (opening row, entries, closing row) as CSV or XLSX, streamed' })
  async exportStatement(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Query() query: StatementExportQueryDto,
    @Res() reply: FastifyReply,
  ) {
    return sendExport(reply, 'statement', await this.ledger.exportStatement(access, id, query));
  }

  @Access('BILLING', 'read')
  @Get(':id/balance')
  @ApiOkResponse({ type: BalanceDto })
  balance(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.ledger.balance(access, id);
  }
}
