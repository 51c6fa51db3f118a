import { Module } from '@nestjs/common';
import { DecoderTestController } from './decoder-test.controller';
import { DecodersService } from './decoders.service';

@Module({ controllers: [DecoderTestController], providers: [DecodersService], exports: [DecodersService] })
export class DecodersModule {}
