import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AccessRepository } from '../access/access.repository';
import { AccessService } from '../access/access.service';
import { ListFiltersRepository } from '../access/list-filters.repository';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { AccessGuard } from './access.guard';
import { JwtStrategy } from './jwt.strategy';
import { PortalSessionVerifier } from './portal-session';
import { PortalSessionRepository } from './portal-session.repository';
import { SessionRevocationService } from './session-revocation.service';

/** Authentication and authorization shared by every module: the guard, the access and audit services. */
@Global()
@Module({
  imports: [PassportModule.register({ session: false }), JwtModule.register({})],
  providers: [
    JwtStrategy,
    PortalSessionVerifier,
    PortalSessionRepository,
    AccessService,
    AccessRepository,
    SessionRevocationService,
    AuditService,
    AuditRepository,
    ListFiltersRepository,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [PortalSessionVerifier, AccessService, SessionRevocationService, AuditService, ListFiltersRepository],
})
export class AuthCoreModule {}
