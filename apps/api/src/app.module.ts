import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TenantScopeInterceptor } from './core/access/tenant-scope.interceptor';
import { AuthCoreModule } from './core/auth/auth-core.module';
import type { AppConfig } from './core/config/config';
import { ConfigModule } from './core/config/config.module';
import { DatabaseModule } from './core/database/database.module';
import { ErrorFilter } from './core/http/error.filter';
import { LocatedZodValidationPipe } from './core/http/validation.pipe';
import { LoggingModule } from './core/logging/logging.module';
import { MetricsModule } from './core/metrics/metrics.module';
import { JobsModule } from './core/jobs/jobs.module';
import { RealtimeModule } from './core/realtime/realtime.module';
import { RedisModule } from './core/redis/redis.module';
import { DecodersModule } from './modules/decoders/decoders.module';
import { IngestModule } from './modules/ingest/ingest.module';
import { IntegrationsModule } from './modules/integrations/integrations.module';
import { AuthModule } from './modules/auth/auth.module';
import { HealthModule } from './modules/health/health.module';
import { TenantsModule } from './modules/tenants/tenants.module';
import { UsersModule } from './modules/users/users.module';
import { AddressesModule } from './modules/addresses/addresses.module';
import { CustomersModule } from './modules/customers/customers.module';
import { SubscriptionsModule } from './modules/subscriptions/subscriptions.module';
import { MetersModule } from './modules/meters/meters.module';
import { DevicesModule } from './modules/devices/devices.module';
import { ReadingsModule } from './modules/readings/readings.module';
import { DefinitionsModule } from './modules/definitions/definitions.module';
import { ProfilesModule } from './modules/profiles/profiles.module';
import { AlarmsModule } from './modules/alarms/alarms.module';
import { DashboardModule } from './modules/dashboard/dashboard.module';
import { AuditLogModule } from './modules/audit-log/audit-log.module';
import { ExportsModule } from './modules/exports/exports.module';
import { ImportsModule } from './modules/imports/imports.module';
import { MeterDataModule } from './modules/meter-data/meter-data.module';
import { BillingModule } from './modules/billing/billing.module';
import { InvoicePdfModule } from './modules/invoicing/pdf/invoice-pdf.module';
import { PaymentsModule } from './modules/payments/payments.module';
import { InvoicingModule } from './modules/invoicing/invoicing.module';
import { DunningModule } from './modules/dunning/dunning.module';
import { BillingReportsModule } from './modules/billing-reports/billing-reports.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { PortalAuthModule } from './modules/portal-auth/portal-auth.module';
import { PortalModule } from './modules/portal/portal.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DatabaseModule.forRoot({ rowLevelSecurity: config.DATABASE_RLS }),
        MetricsModule,
        RedisModule,
        JobsModule,
        RealtimeModule,
        AuthCoreModule,
        IntegrationsModule,
        IngestModule,
        DecodersModule,
        HealthModule,
        AuthModule,
        TenantsModule,
        UsersModule,
        AddressesModule,
        CustomersModule,
        SubscriptionsModule,
        MetersModule,
        DevicesModule,
        ReadingsModule,
        DefinitionsModule,
        ProfilesModule,
        AlarmsModule,
        DashboardModule,
        AuditLogModule,
        ImportsModule,
        ExportsModule,
        MeterDataModule,
        BillingModule,
        InvoicePdfModule,
        PaymentsModule,
        InvoicingModule,
        DunningModule,
        BillingReportsModule,
        NotificationsModule,
        PortalAuthModule,
        PortalModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: LocatedZodValidationPipe },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: TenantScopeInterceptor },
      ],
    };
  }
}
