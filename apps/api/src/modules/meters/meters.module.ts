import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { MetersController } from './meters.controller';
import { MetersRepository } from './meters.repository';
import { MetersService } from './meters.service';

@Module({
  imports: [DevicesModule, SubscriptionsModule],
  controllers: [MetersController],
  providers: [MetersService, MetersRepository],
  exports: [MetersService],
})
export class MetersModule {}
