import { Module } from '@nestjs/common';
import { DecoderTestController } from './decoder-test.controller';
import { DecodersService } from './decoders.service';
import { ProfilesModule } from '../profiles/profiles.module';

@Module({ imports: [ProfilesModule], controllers: [DecoderTestController], providers: [DecodersService], exports: [DecodersService] })
export class DecodersModule {}

/** The worker's decoders: the thread pool without the test endpoint (no HTTP, no profiles module). */
@Module({ providers: [DecodersService], exports: [DecodersService] })
export class DecodersCoreModule {}
