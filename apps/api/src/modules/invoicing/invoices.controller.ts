import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { CancelInvoiceDto, CancelResultDto, InvoiceDetailDto, InvoicePageDto, ListInvoicesQueryDto } from './invoicing.dto';
import { InvoicesService } from './invoices.service';

@ApiTags('billing')
@Controller('invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Access('BILLING', 'read')
  @Get()
  @ApiOkResponse({ type: InvoicePageDto })
  list(@Auth() access: AccessContext, @Query() query: ListInvoicesQueryDto) {
    return this.invoices.list(access, query);
  }

  @Access('BILLING', 'read')
  @Get(':id')
  @ApiOkResponse({ type: InvoiceDetailDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.invoices.detail(access, id);
  }

  /** Issues one draft: the database gives its number. */
  @Access('BILLING', 'update')
  @Post(':id/issue')
  @HttpCode(200)
  @ApiOkResponse({ type: InvoiceDetailDto })
  issue(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.invoices.issue(access, id);
  }

  /** Cancels an issued invoice with a credit note; `reissue` also makes a new draft for its period. */
  @Access('BILLING', 'update')
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: CancelResultDto })
  cancel(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: CancelInvoiceDto) {
    return this.invoices.cancel(access, id, body);
  }
}
