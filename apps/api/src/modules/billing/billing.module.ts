import { Module } from '@nestjs/common';
import { TariffsController } from './tariffs.controller';
import { TariffsRepository } from './tariffs.repository';
import { TariffsService } from './tariffs.service';

/** Billing (issue 18). This slice: tariffs and the pricing engine; billing runs, invoices and payments follow. */
@Module({ controllers: [TariffsController], providers: [TariffsService, TariffsRepository], exports: [TariffsService] })
export class BillingModule {}
