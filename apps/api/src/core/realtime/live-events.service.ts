import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server } from 'socket.io';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { liveEvents } from '../metrics/metrics';
import { RedisService } from '../redis/redis.service';
import {
  cellRoom,
  liveCell,
  portalRoom,
  tenantRoom,
  userRoom,
  type DeviceStateEvent,
  type ReadingEvent,
  type ServerEvents,
} from './events';

/** A room's readings and device states waiting for its next message, newest per device. */
interface PendingRoom {
  tenantId: string;
  /** Set for a viewport room (its states only leave as 'viewport.batch'). */
  cell: string | null;
  readings: Map<string, ReadingEvent>;
  states: Map<string, DeviceStateEvent>;
  timer: NodeJS.Timeout | null;
}

/** Where a device is, for its viewport room (the subscription's address). */
export interface LivePoint {
  lat: number;
  lng: number;
}

/** Whether `next` may replace `current` as a device's newest (a late frame never hides a newer one). */
function newer(next: string | undefined, current: string | undefined): boolean {
  return !next || !current || next >= current;
}

/**
 * Publishes live events to every Socket.io node through the Redis Streams adapter. In the API
 * process it is bound to the real server (see RealtimeGateway); in workers it is a server without
 * an HTTP listener, whose broadcasts reach the clients of all API nodes through the stream.
 */
@Injectable()
export class LiveEventsService implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('live');
  private io?: Server<Record<string, never>, ServerEvents>;
  private adapterClient?: ReturnType<RedisService['duplicate']>;
  private readonly pending = new Map<string, PendingRoom>();
  /** When each room last got a batch from this process. */
  private readonly lastSent = new Map<string, number>();
  /** Set when the module is destroyed: later emits are dropped (see send). */
  private closing = false;

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Stream key shared by every node of one deployment. */
  streamName(): string {
    return this.redis.key('socket.io');
  }

  adapter() {
    this.adapterClient ??= this.redis.duplicate();
    // Recovery sessions under the deployment's prefix; the stream's last 100,000 entries are what a returning socket can catch up on.
    return createAdapter(this.adapterClient, {
      streamName: this.streamName(),
      maxLen: 100_000,
      sessionKeyPrefix: this.redis.key('socket.io:session:'),
    });
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

  /**
   * Sends to the tenant's room; watchers of ancestor tenants joined it too (see RealtimeGateway). Readings
   * and device states are coalesced: they leave as one 'readings.batch' per room and LIVE_COALESCE_MS.
   * A device state with its point also goes to the viewport room of the point's cell ('viewport.batch').
   */
  emit<E extends keyof ServerEvents>(event: E, tenantId: string, payload: Parameters<ServerEvents[E]>[0], point?: LivePoint | null): void {
    liveEvents.inc({ event });
    if (event === 'reading.created' || event === 'device.state') {
      this.coalesce(tenantRoom(tenantId), tenantId, null, event, payload as ReadingEvent | DeviceStateEvent);
      if (event === 'device.state' && point) {
        const cell = liveCell(point.lat, point.lng);
        this.coalesce(cellRoom(tenantId, cell), tenantId, cell, event, payload as DeviceStateEvent);
      }
      return;
    }
    this.send(tenantRoom(tenantId), event, payload);
  }

  /** Sends to every socket of one user, on any node (a notification). */
  emitToUser<E extends keyof ServerEvents>(event: E, userId: string, payload: Parameters<ServerEvents[E]>[0]): void {
    liveEvents.inc({ event });
    this.send(userRoom(userId), event, payload);
  }

  /** Sends to every portal socket of one customer's account, on any node (their notification). */
  emitToPortalAccount<E extends keyof ServerEvents>(event: E, accountId: string, payload: Parameters<ServerEvents[E]>[0]): void {
    liveEvents.inc({ event });
    this.send(portalRoom(accountId), event, payload);
  }

  /**
   * One message to one room, on any node. Once the process is closing nothing more is sent: the adapter's
   * Redis client is going away, and a publish on it would only fail later, unhandled (live events are
   * best-effort; what they tell is stored).
   */
  private send(room: string, event: string, payload: unknown): void {
    if (this.closing) return;
    try {
      (this.server().to(room) as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
    } catch (err) {
      this.logger.warn({ err }, `could not emit ${event}`);
    }
  }

  private coalesce(
    roomName: string,
    tenantId: string,
    cell: string | null,
    event: 'reading.created' | 'device.state',
    payload: ReadingEvent | DeviceStateEvent,
  ): void {
    if (this.closing) return;
    let room = this.pending.get(roomName);
    if (!room) this.pending.set(roomName, (room = { tenantId, cell, readings: new Map(), states: new Map(), timer: null }));
    if (event === 'reading.created') {
      const reading = payload as ReadingEvent;
      if (newer(reading.time, room.readings.get(reading.deviceId)?.time)) room.readings.set(reading.deviceId, reading);
    } else {
      const state = payload as DeviceStateEvent;
      if (newer(state.lastSeenAt, room.states.get(state.deviceId)?.lastSeenAt)) room.states.set(state.deviceId, state);
    }
    if (room.timer) return;
    // A quiet room's first event goes on the next turn (with the rest of its batch); a busy one waits out the interval.
    const wait = Math.max(0, (this.lastSent.get(roomName) ?? 0) + this.config.LIVE_COALESCE_MS - Date.now());
    room.timer = setTimeout(() => this.flush(roomName), wait);
  }

  /** Sends a room's waiting readings and states as one message. */
  private flush(roomName: string): void {
    const room = this.pending.get(roomName);
    this.pending.delete(roomName);
    if (!room) return;
    if (room.timer) clearTimeout(room.timer);
    const now = Date.now();
    this.lastSent.set(roomName, now);
    // Rooms quiet for a while need no memory of their last send.
    if (this.lastSent.size > 1_000)
      for (const [id, at] of this.lastSent) if (now - at > this.config.LIVE_COALESCE_MS) this.lastSent.delete(id);
    if (room.cell) {
      liveEvents.inc({ event: 'viewport.batch' });
      this.send(roomName, 'viewport.batch', { tenantId: room.tenantId, cell: room.cell, states: [...room.states.values()] });
      return;
    }
    liveEvents.inc({ event: 'readings.batch' });
    this.send(roomName, 'readings.batch', {
      tenantId: room.tenantId,
      readings: [...room.readings.values()],
      states: [...room.states.values()],
    });
  }

  /** Sends every waiting batch now (shutdown; tests). */
  flushAll(): number {
    const rooms = [...this.pending.keys()];
    for (const room of rooms) this.flush(room);
    return rooms.length;
  }

  /** The last batches leave now; later emits are dropped (see send). */
  onModuleDestroy(): void {
    this.flushAll();
    this.closing = true;
  }

  /**
   * After the sockets are closed (Nest closes the HTTP and Socket.io servers between the two hooks): a
   * socket closing with connection state recovery on stores its session through this client, unawaited
   * by Socket.io, so the client must outlive them.
   */
  async onApplicationShutdown(): Promise<void> {
    // A listener-less server has no engine to close (Server.close would never call back): close its adapter.
    if (this.io && !this.io.httpServer) await Promise.resolve((this.io.of('/').adapter as { close?: () => unknown }).close?.());
    // The last batches' XADDs and sessions are queued on this client: let them reach Redis (at most a second) before closing.
    if (this.adapterClient)
      await Promise.race([this.adapterClient.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 1_000).unref())]);
    this.adapterClient?.disconnect();
  }
}
