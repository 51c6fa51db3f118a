import { Module } from '@nestjs/common';
import { MeterDataController } from './meter-data.controller';
import { MeterDataJobs } from './meter-data.jobs';
import { MeterDataRepository } from './meter-data.repository';
import { MeterDataService } from './meter-data.service';
import { QualityReportController } from './quality-report.controller';
import { QualityReportRepository } from './quality-report.repository';
import { QualityReportService } from './quality-report.service';
import { ValidationService } from './validation.service';

/** Meter data management for operators (issue 17); the rules run in the worker (MeterDataWorkerModule). */
@Module({
  controllers: [MeterDataController, QualityReportController],
  providers: [MeterDataService, ValidationService, MeterDataRepository, QualityReportService, QualityReportRepository],
  exports: [MeterDataService, ValidationService],
})
export class MeterDataModule {}

/** The validation rules' contexts and re-runs, for the worker's uplink batches (IngestWorkerModule). */
@Module({ providers: [ValidationService, MeterDataRepository], exports: [ValidationService] })
export class ValidationCoreModule {}

/** The worker's side: the daily run per tenant and revalidation jobs. */
@Module({ providers: [ValidationService, MeterDataRepository, MeterDataJobs] })
export class MeterDataWorkerModule {}
