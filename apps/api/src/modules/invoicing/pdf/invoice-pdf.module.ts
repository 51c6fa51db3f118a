import { Module } from '@nestjs/common';
import { StorageModule } from '../../../core/storage/storage.module';
import { InvoicePdfController } from './invoice-pdf.controller';
import { InvoicePdfJobs } from './invoice-pdf.jobs';
import { InvoicePdfRepository } from './invoice-pdf.repository';
import { InvoicePdfService } from './invoice-pdf.service';

/** Invoice PDFs (issue 18): the download route, and InvoicePdfService (enqueue on issue, render) for the invoicing module. */
@Module({
  imports: [StorageModule],
  controllers: [InvoicePdfController],
  providers: [InvoicePdfService, InvoicePdfRepository],
  exports: [InvoicePdfService],
})
export class InvoicePdfModule {}

/** The worker's side: the invoice.render-pdf job. */
@Module({ imports: [StorageModule], providers: [InvoicePdfService, InvoicePdfRepository, InvoicePdfJobs], exports: [InvoicePdfService] })
export class InvoicePdfWorkerModule {}
