import { Module } from '@nestjs/common';
import { AlarmsModule } from '../alarms/alarms.module';
import { DashboardController } from './dashboard.controller';
import { DashboardRepository } from './dashboard.repository';
import { DashboardService } from './dashboard.service';

@Module({ imports: [AlarmsModule], controllers: [DashboardController], providers: [DashboardService, DashboardRepository] })
export class DashboardModule {}
