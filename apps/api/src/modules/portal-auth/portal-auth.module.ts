import { Module } from '@nestjs/common';

/** Customers' sign-up, sign-in, sessions and password reset for the portal (issue 19). */
@Module({})
export class PortalAuthModule {}
