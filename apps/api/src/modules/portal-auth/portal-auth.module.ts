import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PortalAccountsService } from './portal-accounts.service';
import { PortalAccountsController, PortalAuthController } from './portal-auth.controller';
import { PortalAuthRepository } from './portal-auth.repository';
import { PortalAuthService } from './portal-auth.service';
import { PortalChallengesService } from './portal-challenges.service';
import { PortalMailer, PortalMailService } from './portal-mail.service';

/** Customers' sign-up, sign-in, sessions and password reset for the portal (issue 19); operators' invitations. */
@Module({
  imports: [JwtModule.register({})],
  controllers: [PortalAuthController, PortalAccountsController],
  providers: [PortalAuthService, PortalAccountsService, PortalChallengesService, PortalAuthRepository],
})
export class PortalAuthModule {}

/** Worker: e-mails the codes (JobName.SendPortalCode on the notifications queue). */
@Module({ providers: [PortalMailService, PortalMailer, PortalAuthRepository] })
export class PortalAuthWorkerModule {}
