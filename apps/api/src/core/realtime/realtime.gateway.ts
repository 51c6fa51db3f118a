import { Inject, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { AccessService } from '../access/access.service';
import { accessTokenKey, JWT_AUDIENCE, JWT_ISSUER, type AccessTokenPayload } from '../auth/jwt.strategy';
import { SessionRevocationService } from '../auth/session-revocation.service';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { tenantRoom } from './events';
import { LiveEventsService } from './live-events.service';

/**
 * Socket.io endpoint (path /api/socket.io). Clients authenticate with the same access token as the
 * HTTP API (`auth: { token }`) and join the rooms of the tenants whose live data they may read:
 * a reading in ASKİ reaches ASKİ's and Una IoT's watchers, never HATSU's.
 */
@WebSocketGateway({ path: '/api/socket.io', cors: { origin: true, credentials: true }, perMessageDeflate: false, transports: ['websocket', 'polling'] })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger('realtime');
  @WebSocketServer() server!: Server;

  constructor(
    private readonly live: LiveEventsService,
    private readonly jwt: JwtService,
    private readonly access: AccessService,
    private readonly revocations: SessionRevocationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: Server): void {
    server.adapter(this.live.adapter());
    this.live.attach(server);
  }

  async handleConnection(socket: Socket): Promise<void> {
    try {
      const token = (socket.handshake.auth as { token?: string })?.token ?? socket.handshake.headers.authorization?.replace(/^Bearer /, '');
      if (!token) throw new Error('missing token');
      const payload = await this.jwt.verifyAsync<AccessTokenPayload>(token, {
        secret: accessTokenKey(this.config.JWT_ACCESS_SECRET),
        algorithms: ['HS256'],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      });
      // The session's cached rights, as HTTP requests use them: a reconnect storm costs no queries.
      const [revoked, access] = await Promise.all([this.revocations.isRevoked(payload.sid), this.access.resolve(payload.sub, payload.sid)]);
      if (revoked) throw new Error('session ended');
      if (!access) throw new Error('inactive user');
      // Every visible tenant's room: an event is sent once, to its own tenant's room.
      const rooms = [...access.tenants.values()]
        .filter((t) => t.matrix.LIVE_READINGS.read || t.matrix.DASHBOARD.read)
        .map((t) => tenantRoom(t.id));
      if (!rooms.length) throw new Error('no live data may be read');
      await socket.join(rooms);
      socket.data.userId = payload.sub;
      socket.emit('ready' as never, { rooms: rooms.length } as never);
    } catch (err) {
      socket.emit('error' as never, { message: (err as Error).message } as never);
      socket.disconnect(true);
    }
  }
}
