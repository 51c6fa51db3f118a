import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AccessContext } from '../../../core/access/access-context';
import { Access, Auth } from '../../../core/auth/access.decorator';
import { UuidPipe } from '../../../core/http/id-param.pipe';
import { InvoicePdfService, PDF_CONTENT_TYPE } from './invoice-pdf.service';

@ApiTags('billing')
@Controller('invoices')
export class InvoicePdfController {
  constructor(private readonly pdfs: InvoicePdfService) {}

  @Access('BILLING', 'read')
  @Get(':id/pdf')
  @ApiProduces(PDF_CONTENT_TYPE)
  @ApiOkResponse({
    description:
      "the invoice's PDF in its language, as an attachment named <number>.pdf: the stored document of an issued or cancelled invoice (rendered and stored on first request), a draft rendered on the fly",
  })
  async pdf(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Res() reply: FastifyReply) {
    const { fileName, body } = await this.pdfs.download(access, id);
    return reply.header('content-type', PDF_CONTENT_TYPE).header('content-disposition', `attachment; filename="${fileName}"`).send(body);
  }
}
