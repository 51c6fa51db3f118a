import { Module } from '@nestjs/common';
import { MeterDataController } from './meter-data.controller';
import { MeterDataJobs } from './meter-data.jobs';
import { MeterDataRepository } from './meter-data.repository';
import { MeterDataService } from './meter-data.service';
import { ValidationService } from './validation.service';

/** Meter data management for operators (issue 17); the rules run in the worker (MeterDataWorkerModule). */
@Module({
  controllers: [MeterDataController],
  providers: [MeterDataService, ValidationService, MeterDataRepository],
  exports: [MeterDataService, ValidationService],
})
export class MeterDataModule {}

/** The worker's side: validation contexts for the uplink batches, the daily run and revalidation jobs. */
@Module({ providers: [ValidationService, MeterDataRepository, MeterDataJobs], exports: [ValidationService] })
export class MeterDataWorkerModule {}
