import { DynamicModule, Module } from '@nestjs/common';
import { WorkerAccessModule } from '../../core/access/worker-access.module';
import { DevicesModule } from '../devices/devices.module';
import { MetersModule } from '../meters/meters.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { ImportRetention } from './import-retention.service';
import { ImportRunner } from './import-runner.service';
import { ImportsController } from './imports.controller';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';

/** API nodes: uploads, job lists, error reports. */
@Module({ controllers: [ImportsController], providers: [ImportsService, ImportsRepository] })
export class ImportsModule {}

/**
 * The worker: runs import jobs; readings are stored through the ingest path's reading store
 * (UplinkProcessor), assets through their modules' services with the requester's rights (WorkerAccessModule). `ingest` is the worker's own IngestWorkerModule object: Nest tells dynamic modules
 * apart by reference, so a second forRoot() would start a second set of uplink consumers.
 */
@Module({})
export class ImportsWorkerModule {
  static forRoot(ingest: DynamicModule): DynamicModule {
    return {
      module: ImportsWorkerModule,
      imports: [ingest, WorkerAccessModule, MetersModule, SubscriptionsModule, DevicesModule],
      providers: [ImportRunner, ImportRetention, ImportsRepository],
    };
  }
}
