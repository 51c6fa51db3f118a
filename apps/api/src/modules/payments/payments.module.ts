import { Module } from '@nestjs/common';
import { BankStatementsController } from './bank-statements.controller';
import { BankStatementsRepository } from './bank-statements.repository';
import { BankStatementsService } from './bank-statements.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';

/**
 * Payments and the customer ledger (issue 18): cash desk, refunds, open-item allocation
 * (`PaymentsService.settleOpenItems`, which the invoicing code calls after issuing or cancelling),
 * account statements, bank-statement import and the payment provider's webhook.
 */
@Module({
  controllers: [PaymentsController, LedgerController, BankStatementsController],
  providers: [PaymentsService, PaymentsRepository, LedgerService, BankStatementsService, BankStatementsRepository],
  exports: [PaymentsService],
})
export class PaymentsModule {}
