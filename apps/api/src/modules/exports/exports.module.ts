import { Module } from '@nestjs/common';
import { AlarmsModule } from '../alarms/alarms.module';
import { CustomersModule } from '../customers/customers.module';
import { DevicesModule } from '../devices/devices.module';
import { MetersModule } from '../meters/meters.module';
import { ReadingsModule } from '../readings/readings.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

/** CSV and XLSX exports of the console's lists, through each list's own service. */
@Module({
  imports: [ReadingsModule, MetersModule, DevicesModule, CustomersModule, SubscriptionsModule, AlarmsModule],
  controllers: [ExportsController],
  providers: [ExportsService],
})
export class ExportsModule {}
