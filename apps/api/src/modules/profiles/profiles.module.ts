import { Module } from '@nestjs/common';
import { DeviceProfilesController } from './device-profiles.controller';
import { DeviceProfilesService } from './device-profiles.service';
import { MeterProfilesController } from './meter-profiles.controller';
import { MeterProfilesService } from './meter-profiles.service';
import { ProfileRulesService } from './profile-rules.service';
import { ProfilesRepository } from './profiles.repository';

/** Meter and device profiles; exports the rules other modules check assets against, and the device profiles (scenarios) the decoder test panel runs. */
@Module({
  controllers: [MeterProfilesController, DeviceProfilesController],
  providers: [MeterProfilesService, DeviceProfilesService, ProfileRulesService, ProfilesRepository],
  exports: [ProfileRulesService, DeviceProfilesService],
})
export class ProfilesModule {}
