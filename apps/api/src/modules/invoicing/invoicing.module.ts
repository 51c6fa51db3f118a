import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { PaymentsModule } from '../payments/payments.module';
import { InvoicePdfModule, InvoicePdfWorkerModule } from './pdf/invoice-pdf.module';
import { BillingRunJobs } from './billing-runs.jobs';
import { BillingRunsController } from './billing-runs.controller';
import { BillingRunsService } from './billing-runs.service';
import { BillingSettingsController } from './billing-settings.controller';
import { BillingSettingsService } from './billing-settings.service';
import { InvoiceDraftsService } from './invoice-drafts.service';
import { InvoicesController } from './invoices.controller';
import { InvoicesService } from './invoices.service';
import { InvoicingRepository } from './invoicing.repository';

const providers = [InvoicingRepository, BillingSettingsService, InvoiceDraftsService, InvoicesService];

/** Billing runs, invoices and billing settings (issue 18) for API nodes; the runs are computed and issued by the worker. */
@Module({
  imports: [BillingModule, PaymentsModule, InvoicePdfModule],
  controllers: [BillingSettingsController, BillingRunsController, InvoicesController],
  providers: [...providers, BillingRunsService],
  exports: [InvoicesService, BillingSettingsService],
})
export class InvoicingModule {}

/** The worker's side: computing and issuing runs, the scheduled runs. */
@Module({ imports: [BillingModule, PaymentsModule, InvoicePdfWorkerModule], providers: [...providers, BillingRunJobs] })
export class InvoicingWorkerModule {}
