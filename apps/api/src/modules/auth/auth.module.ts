import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { Mailer } from '../notifications/notification-channels';
import { AuthController } from './auth.controller';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { PasswordResetMailJob } from './password-reset.jobs';
import { PasswordResetService } from './password-reset.service';

@Module({
  imports: [JwtModule.register({})],
  controllers: [AuthController],
  providers: [AuthService, PasswordResetService, AuthRepository],
  exports: [AuthService],
})
export class AuthModule {}

/** Worker: e-mails operators' password-reset links (notifications queue). */
@Module({ providers: [PasswordResetMailJob, AuthRepository, Mailer] })
export class AuthWorkerModule {}
