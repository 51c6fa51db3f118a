import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { LiveEventsService } from './live-events.service';
import { PortalSessionsRepository } from './portal-sessions.repository';
import { RealtimeGateway } from './realtime.gateway';

/** API nodes: the Socket.io gateway plus the publisher. */
@Global()
@Module({
  imports: [JwtModule.register({})],
  providers: [LiveEventsService, RealtimeGateway, PortalSessionsRepository],
  exports: [LiveEventsService],
})
export class RealtimeModule {}

/** Worker nodes: only the publisher (no listener). */
@Global()
@Module({ providers: [LiveEventsService], exports: [LiveEventsService] })
export class LivePublisherModule {}
