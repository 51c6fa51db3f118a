import { Module } from '@nestjs/common';
import { StorageModule } from '../../core/storage/storage.module';
import { InvoicePdfModule } from '../invoicing/pdf/invoice-pdf.module';
import { PaymentsModule } from '../payments/payments.module';
import { PortalController } from './portal.controller';
import { PortalRepository } from './portal.repository';
import { PortalService } from './portal.service';

/** The customer portal's own views: a customer's subscriptions, consumption, alarms, invoices, consent and data export (issue 19). */
@Module({
  imports: [InvoicePdfModule, PaymentsModule, StorageModule],
  controllers: [PortalController],
  providers: [PortalService, PortalRepository],
})
export class PortalModule {}
