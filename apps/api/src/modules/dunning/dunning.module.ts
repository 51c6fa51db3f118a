import { Module } from '@nestjs/common';
import { WorkerAccessModule } from '../../core/access/worker-access.module';
import { DunningController } from './dunning.controller';
import { DunningJobs } from './dunning.jobs';
import { DunningRepository } from './dunning.repository';
import { DunningService } from './dunning.service';

/** Dunning (issue 18): overdue invoices, reminders, late-payment interest, the disconnection work orders. */
@Module({ controllers: [DunningController], providers: [DunningService, DunningRepository], exports: [DunningService] })
export class DunningModule {}

/** The worker's side: the daily run of each tenant. */
@Module({ imports: [WorkerAccessModule], providers: [DunningService, DunningRepository, DunningJobs] })
export class DunningWorkerModule {}
