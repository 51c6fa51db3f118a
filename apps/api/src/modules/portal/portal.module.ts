import { Module } from '@nestjs/common';

/** The customer portal's own views: a customer's subscriptions, consumption, alarms, invoices, consent and data export (issue 19). */
@Module({})
export class PortalModule {}
