import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server } from 'socket.io';
import { liveEvents } from '../metrics/metrics';
import { RedisService } from '../redis/redis.service';
import { portalRoom, tenantRoom, userRoom, type ServerEvents } from './events';

/**
 * Publishes live events to every Socket.io node through the Redis Streams adapter. In the API
 * process it is bound to the real server (see RealtimeGateway); in workers it is a server without
 * an HTTP listener, whose broadcasts reach the clients of all API nodes through the stream.
 */
@Injectable()
export class LiveEventsService implements OnModuleDestroy {
  private readonly logger = new Logger('live');
  private io?: Server<Record<string, never>, ServerEvents>;
  private adapterClient?: ReturnType<RedisService['duplicate']>;

  constructor(private readonly redis: RedisService) {}

  /** Stream key shared by every node of one deployment. */
  streamName(): string {
    return this.redis.key('socket.io');
  }

  adapter() {
    this.adapterClient ??= this.redis.duplicate();
    return createAdapter(this.adapterClient, { streamName: this.streamName(), maxLen: 100_000 });
  }

  attach(io: Server): void {
    this.io = io;
  }

  private server(): Server<Record<string, never>, ServerEvents> {
    if (!this.io) {
      const io = new Server<Record<string, never>, ServerEvents>({ adapter: this.adapter() });
      this.io = io;
    }
    return this.io;
  }

  /** Clients connected to this process's Socket.io server (none in a worker). */
  connectedClients(): number {
    return this.io?.httpServer ? this.io.engine.clientsCount : 0;
  }

  /** Sends to the tenant's room; watchers of ancestor tenants joined it too (see RealtimeGateway). */
  emit<E extends keyof ServerEvents>(event: E, tenantId: string, payload: Parameters<ServerEvents[E]>[0]): void {
    liveEvents.inc({ event });
    try {
      (this.server().to(tenantRoom(tenantId)) as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
    } catch (err) {
      this.logger.warn({ err }, `could not emit ${event}`);
    }
  }

  /** Sends to every socket of one user, on any node (a notification). */
  emitToUser<E extends keyof ServerEvents>(event: E, userId: string, payload: Parameters<ServerEvents[E]>[0]): void {
    liveEvents.inc({ event });
    try {
      (this.server().to(userRoom(userId)) as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
    } catch (err) {
      this.logger.warn({ err }, `could not emit ${event}`);
    }
  }

  /** Sends to every portal socket of one customer's account, on any node (their notification). */
  emitToPortalAccount<E extends keyof ServerEvents>(event: E, accountId: string, payload: Parameters<ServerEvents[E]>[0]): void {
    liveEvents.inc({ event });
    try {
      (this.server().to(portalRoom(accountId)) as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
    } catch (err) {
      this.logger.warn({ err }, `could not emit ${event}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    // A listener-less server has no engine to close (Server.close would never call back): close its adapter.
    if (this.io && !this.io.httpServer) await Promise.resolve((this.io.of('/').adapter as { close?: () => unknown }).close?.());
    this.adapterClient?.disconnect();
  }
}
