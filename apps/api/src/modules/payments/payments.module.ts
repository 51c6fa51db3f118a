import { Module, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { BankStatementsController } from './bank-statements.controller';
import { BankStatementsRepository } from './bank-statements.repository';
import { BankStatementsService } from './bank-statements.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { PaymentProviderController } from './payment-provider.controller';
import { PaymentProviderRepository } from './payment-provider.repository';
import { PaymentProviderService } from './payment-provider.service';
import { PaymentWebhooksController } from './payment-webhooks.controller';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { keepWebhookRawBodies } from './raw-body';

/**
 * Payments and the customer ledger (issue 18): cash desk, refunds, open-item allocation
 * (`PaymentsService.settleOpenItems`, which the invoicing code calls after issuing or cancelling),
 * account statements, bank-statement import and the payment provider's webhook.
 */
@Module({
  controllers: [PaymentsController, LedgerController, BankStatementsController, PaymentProviderController, PaymentWebhooksController],
  providers: [
    PaymentsService,
    PaymentsRepository,
    LedgerService,
    BankStatementsService,
    BankStatementsRepository,
    PaymentProviderService,
    PaymentProviderRepository,
  ],
  exports: [PaymentsService],
})
export class PaymentsModule {
  constructor(@Optional() adapterHost?: HttpAdapterHost) {
    // The API's HTTP server (absent in the worker): the webhook needs its requests' raw bodies.
    const fastify: FastifyInstance | undefined = adapterHost?.httpAdapter?.getInstance?.();
    if (typeof fastify?.addHook === 'function') keepWebhookRawBodies(fastify);
  }
}
