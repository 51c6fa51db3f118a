import { Module } from '@nestjs/common';
import { AlarmsController } from './alarms.controller';
import { AlarmsRepository } from './alarms.repository';
import { AlarmsService } from './alarms.service';
import { NoSignalService } from './no-signal.service';

/** Alarm lists and acknowledgement. Opening and clearing happen in the worker (ingest, NoSignalService). */
@Module({ controllers: [AlarmsController], providers: [AlarmsService, AlarmsRepository], exports: [AlarmsService] })
export class AlarmsModule {}

/** The worker's side of alarms: the NO_SIGNAL check on its schedule. */
@Module({ providers: [NoSignalService, AlarmsRepository] })
export class AlarmsWorkerModule {}
