import { Module } from '@nestjs/common';
import { MeterDataModule } from '../meter-data/meter-data.module';
import { MetersModule } from '../meters/meters.module';
import { ReadingsController } from './readings.controller';
import { ReadingsRepository } from './readings.repository';
import { ReadingsService } from './readings.service';

@Module({
  imports: [MeterDataModule, MetersModule],
  controllers: [ReadingsController],
  providers: [ReadingsService, ReadingsRepository],
  exports: [ReadingsService],
})
export class ReadingsModule {}
