import { Module } from '@nestjs/common';
import { ReadingsController } from './readings.controller';
import { ReadingsRepository } from './readings.repository';
import { ReadingsService } from './readings.service';

@Module({ controllers: [ReadingsController], providers: [ReadingsService, ReadingsRepository], exports: [ReadingsService] })
export class ReadingsModule {}
