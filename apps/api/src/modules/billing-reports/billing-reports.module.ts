import { Module } from '@nestjs/common';
import { BillingReportsController } from './billing-reports.controller';
import { BillingReportsRepository } from './billing-reports.repository';
import { BillingReportsService } from './billing-reports.service';

/** Billing reports (issue 18): billed vs collected, aging, consumption and revenue by subscription group. */
@Module({ controllers: [BillingReportsController], providers: [BillingReportsService, BillingReportsRepository] })
export class BillingReportsModule {}
