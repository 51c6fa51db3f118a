import type { IncomingMessage } from 'node:http';
import { Inject, Logger, OnModuleDestroy } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { isLiveCell, MAX_VIEWPORT_CELLS } from '@water/shared';
import type Redis from 'ioredis';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { z } from 'zod';
import { isSameOrDescendant, type AccessContext, type VisibleTenant } from '../access/access-context';
import { AccessService } from '../access/access.service';
import {
  accessClaimsProblem,
  accessTokenKey,
  JWT_AUDIENCE,
  JWT_ISSUER,
  PORTAL_JWT_AUDIENCE,
  type AccessTokenPayload,
} from '../auth/jwt.strategy';
import { PortalSessionVerifier, type PortalTokenPayload } from '../auth/portal-session';
import { SessionRevocationService, type RevocationEvent } from '../auth/session-revocation.service';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { RedisService } from '../redis/redis.service';
import { cellRoom, portalRoom, tenantRoom, userRoom } from './events';
import { LiveEventsService } from './live-events.service';
import { PortalSessionsRepository, type PortalSocketAuth } from './portal-sessions.repository';

/** What a socket was authenticated with; re-checked for as long as it stays open. */
interface SocketAuth {
  userId: string;
  sessionId: string;
  generation: number;
  /** Expiry of the access token the socket was opened with (epoch seconds). */
  exp: number;
}

/** What handleConnection stores on a socket it accepted (socket.io types `socket.data` as any). */
interface SocketData {
  auth?: SocketAuth;
  userId?: string;
  /** A customer's portal socket: in its account's room only. */
  portal?: PortalSocketAuth;
  /** The map cells the socket asked for ('viewport.subscribe'); their rooms are re-derived from its rights at every check. */
  viewport?: Viewport;
}

/** A console map's view: cells at LIVE_CELL_ZOOM, optionally narrowed to one tenant's subtree. */
interface Viewport {
  tenantId: string | null;
  cells: string[];
}

/** Room memberships one viewport may add (tenants × cells): a root user's country-wide view is refused. */
const MAX_VIEWPORT_ROOMS = 4_096;

/** What 'viewport.subscribe' takes: the cells shown (none leaves the viewport rooms) and the tenant the map is of. */
const viewportInput = z.object({
  tenantId: z.uuid().nullish(),
  cells: z.array(z.string().refine(isLiveCell, 'not a map cell')).max(MAX_VIEWPORT_CELLS),
});

/**
 * Origins whose polling requests get CORS headers. The decorator's options are fixed when the class is
 * declared, before any configuration exists, so each gateway adds its CORS_ORIGINS here when it is
 * built (one process serves one configuration; tests that start several apps share theirs). The
 * authoritative check is the per-instance allowRequest set in afterInit.
 */
const corsOrigins = new Set<string>();

/** How often the gateway looks for a change of rights (AccessService's generation counter) and expired tokens. */
const TICK_MS = 1_000;

/**
 * Socket.io endpoint (path /api/socket.io). Clients authenticate with the same access token as the
 * HTTP API (`auth: { token }`) and join the rooms of the tenants whose live data they may read:
 * a reading in ASKİ reaches ASKİ's and Una IoT's watchers, never HATSU's.
 *
 * An open socket follows its session and rights, on every node:
 * - a revoked session or user (logout, refresh-token reuse, password change, deactivation, deletion)
 *   is published over Redis (SessionRevocationService): matching sockets are disconnected at once;
 * - a change of users, memberships or tenants bumps AccessService's generation, read here every
 *   second: every socket's rooms are recomputed (rooms whose read right is gone are left, a socket
 *   left with none is disconnected);
 * - every LIVE_REVALIDATE_SECONDS all sockets are re-checked against Redis and their rights (the
 *   second wall, should a message be lost), and a socket whose access token expired is disconnected
 *   (the console reconnects with a fresh one).
 * A customer's portal token (audience water-portal, checked by PortalSessionVerifier as a portal request is)
 * joins only its account's room (`portal:<accountId>`, its notifications), never a tenant's or a user's; the
 * socket is cut when its token expires and, every LIVE_REVALIDATE_SECONDS, when its session ended (logout,
 * password reset, deactivation: the refresh-token family revoked or the account's generation bumped).
 * The handshake's Origin must be one of CORS_ORIGINS (requests without one, from non-browser
 * clients, pass: the check protects browser sessions).
 */
@WebSocketGateway({
  path: '/api/socket.io',
  cors: {
    origin: (origin: string | undefined, cb: (err: Error | null, allow?: boolean) => void) => cb(null, !!origin && corsOrigins.has(origin)),
    credentials: true,
  },
  perMessageDeflate: false,
  transports: ['websocket', 'polling'],
})
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger('realtime');
  @WebSocketServer() server!: Server;
  private readonly allowedOrigins: Set<string>;
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  private lastAccessGeneration: string | null = null;
  private lastFullCheck = Date.now();
  private sweeping: Promise<void> | null = null;
  private pending: { rights: boolean } | null = null;

  constructor(
    private readonly live: LiveEventsService,
    private readonly jwt: JwtService,
    private readonly access: AccessService,
    private readonly revocations: SessionRevocationService,
    private readonly redis: RedisService,
    private readonly portalSessions: PortalSessionVerifier,
    private readonly portalLive: PortalSessionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.allowedOrigins = new Set(
      config.CORS_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    for (const o of this.allowedOrigins) corsOrigins.add(o);
  }

  afterInit(server: Server): void {
    // Connection state recovery (set here, where the configuration is known): a socket back within
    // LIVE_RECOVERY_SECONDS gets the events it missed from the adapter's stream, then is checked as a new one.
    // Sockets cut by the server (refused, revoked, slow) leave no session to recover.
    if (this.config.LIVE_RECOVERY_SECONDS > 0)
      (server as unknown as { opts: ServerOptions }).opts.connectionStateRecovery = {
        maxDisconnectionDuration: this.config.LIVE_RECOVERY_SECONDS * 1000,
        skipMiddlewares: true,
      };
    server.adapter(this.live.adapter());
    this.guardRecovery(server);
    this.live.attach(server);
    // Browsers send Origin on every handshake (polling and websocket); a foreign page is refused (403).
    server.engine.opts.allowRequest = (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
      const origin = req.headers.origin;
      if (origin && !this.allowedOrigins.has(origin)) return callback('origin not allowed', false);
      callback(null, true);
    };
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (_channel: string, message: string) => this.onRevocation(message));
    this.subscriber
      .subscribe(this.revocations.channel())
      .catch((err: unknown) => this.logger.error({ err }, 'could not subscribe to revocations'));
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  /**
   * Socket.io replays a recovered socket's missed events as it builds the socket, before any handler runs:
   * so the handshake's token is checked first (signature, expiry, session not ended), and the session it
   * names must be the one the dropped socket had. Otherwise the socket starts afresh, with nothing replayed.
   * Hooks Namespace._createSocket and the adapter's restoreSession (socket.io 4.8; the fan-out test covers it).
   */
  private guardRecovery(server: Server): void {
    const nsp = server.of('/') as unknown as {
      _createSocket(client: unknown, auth: Record<string, unknown>): Promise<unknown>;
      adapter: { restoreSession(pid: string, offset: string): Promise<{ data?: SocketData } | null> };
    };
    const expected = new Map<string, string>();
    const create = nsp._createSocket.bind(nsp);
    nsp._createSocket = async (client, auth) => {
      const pid = auth?.pid;
      if (typeof pid !== 'string') return create(client, auth);
      const who = await this.recoveryIdentity(auth.token);
      if (!who) return create(client, { ...auth, pid: undefined });
      expected.set(pid, who);
      try {
        return await create(client, auth);
      } finally {
        expected.delete(pid);
      }
    };
    const restore = nsp.adapter.restoreSession.bind(nsp.adapter);
    nsp.adapter.restoreSession = async (pid, offset) => {
      const session = await restore(pid, offset);
      if (!session || identityOf(session.data) !== expected.get(pid)) throw new Error('session of another identity');
      return session;
    };
  }

  /** Who a handshake token stands for, if it could open a socket now (see guardRecovery). */
  private async recoveryIdentity(token: unknown): Promise<string | null> {
    if (typeof token !== 'string' || !token) return null;
    try {
      if ((this.jwt.decode<{ aud?: unknown } | null>(token) ?? {}).aud === PORTAL_JWT_AUDIENCE) {
        const customer = await this.portalSessions.verify(`Bearer ${token}`);
        return `portal:${customer.accountId}:${customer.sessionId}`;
      }
      const payload = await this.jwt.verifyAsync<AccessTokenPayload>(token, {
        secret: accessTokenKey(this.config.JWT_ACCESS_SECRET),
        algorithms: ['HS256'],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      });
      if (accessClaimsProblem(payload, this.config.JWT_ACCESS_TTL_SECONDS)) return null;
      const state = await this.revocations.state(payload.sub, payload.sid);
      return SessionRevocationService.ended(state, payload.gen) ? null : `user:${payload.sub}:${payload.sid}`;
    } catch {
      return null;
    }
  }

  async handleConnection(socket: Socket): Promise<void> {
    try {
      const token = (socket.handshake.auth as { token?: string })?.token ?? socket.handshake.headers.authorization?.replace(/^Bearer /, '');
      if (!token) throw new Error('missing token');
      // A portal token goes its own way (its signature and session are checked there); anything else must be a console token.
      if ((this.jwt.decode<{ aud?: unknown } | null>(token) ?? {}).aud === PORTAL_JWT_AUDIENCE)
        return await this.connectPortal(socket, token);
      const payload = await this.jwt.verifyAsync<AccessTokenPayload>(token, {
        secret: accessTokenKey(this.config.JWT_ACCESS_SECRET),
        algorithms: ['HS256'],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      });
      const problem = accessClaimsProblem(payload, this.config.JWT_ACCESS_TTL_SECONDS);
      if (problem) throw new Error(problem);
      trimHandshake(socket);
      // Known before the checks below, so a revocation published meanwhile already finds the socket.
      const auth: SocketAuth = { userId: payload.sub, sessionId: payload.sid, generation: payload.gen, exp: payload.exp };
      const data = socket.data as SocketData;
      data.auth = auth;
      data.userId = payload.sub;
      // The session's cached rights, as HTTP requests use them: a reconnect storm costs no queries.
      const [state, access] = await Promise.all([
        this.revocations.state(auth.userId, auth.sessionId),
        this.access.resolve(auth.userId, auth.sessionId),
      ]);
      if (SessionRevocationService.ended(state, auth.generation)) throw new Error('session ended');
      if (!access) throw new Error('inactive user');
      // Every visible tenant's room: an event is sent once, to its own tenant's room.
      const rooms = liveRooms(access);
      if (!rooms.length) throw new Error('no live data may be read');
      if (socket.disconnected) return;
      // The user's own room too: notifications go to the person, not to a tenant's watchers. A recovered
      // socket keeps the viewport it had, as far as its rights reach now.
      const wanted = [...rooms, userRoom(auth.userId), ...viewportRooms(access, data.viewport)];
      leaveOthers(socket, wanted);
      await socket.join(wanted);
      // A plain listener, not a Nest @SubscribeMessage: Nest builds an rxjs pipeline per socket and handler (memory per connection).
      socket.on('viewport.subscribe', (body: unknown, ack?: (answer: unknown) => void) => {
        void this.subscribeViewport(socket, body)
          .catch((err: unknown) => {
            this.logger.warn({ err }, 'viewport subscription failed');
            return { error: 'failed' };
          })
          .then((answer) => {
            if (typeof ack === 'function') ack(answer);
          });
      });
      tell(socket, 'ready', { rooms: rooms.length });
    } catch (err) {
      refuse(socket, (err as Error).message);
    }
  }

  /** A customer's socket: the session checked as a portal request's, then the account's own room and nothing else. */
  private async connectPortal(socket: Socket, token: string): Promise<void> {
    const customer = await this.portalSessions.verify(`Bearer ${token}`);
    const { exp, gen } = this.jwt.decode<PortalTokenPayload>(token);
    (socket.data as SocketData).portal = { accountId: customer.accountId, sessionId: customer.sessionId, generation: gen, exp };
    if (socket.disconnected) return;
    leaveOthers(socket, [portalRoom(customer.accountId)]);
    await socket.join(portalRoom(customer.accountId));
    tell(socket, 'ready', { rooms: 1 });
  }

  /**
   * The dashboard map's cells: the socket joins the viewport room of each cell for every tenant it may watch
   * (within the map's tenant when one is named), never a tenant outside its rights, whatever cells it names.
   * The cells replace the previous ones; a bad or too large request changes nothing. Answered by the ack.
   */
  async subscribeViewport(socket: Socket, body: unknown): Promise<{ rooms: number } | { error: string }> {
    const auth = (socket.data as SocketData).auth;
    if (!auth) return { error: 'not allowed' };
    const input = viewportInput.safeParse(body);
    if (!input.success) return { error: 'bad viewport' };
    const access = await this.access.resolve(auth.userId, auth.sessionId);
    if (!access) return { error: 'not allowed' };
    const viewport: Viewport = { tenantId: input.data.tenantId ?? null, cells: [...new Set(input.data.cells)] };
    if (viewport.tenantId && !liveRooms(access).includes(tenantRoom(viewport.tenantId))) return { error: 'tenant not visible' };
    const wanted = viewportRooms(access, viewport);
    if (wanted.length > MAX_VIEWPORT_ROOMS) return { error: 'viewport too large' };
    if (socket.disconnected) return { error: 'not allowed' };
    (socket.data as SocketData).viewport = viewport;
    const keep = new Set(wanted);
    for (const room of socket.rooms) if (room.startsWith('cell:') && !keep.has(room)) void socket.leave(room);
    await socket.join(wanted);
    return { rooms: wanted.length };
  }

  private portalSockets(): { socket: Socket; portal: PortalSocketAuth }[] {
    const out: { socket: Socket; portal: PortalSocketAuth }[] = [];
    for (const socket of this.server.sockets.sockets.values()) {
      const portal = (socket.data as SocketData | undefined)?.portal;
      if (portal) out.push({ socket, portal });
    }
    return out;
  }

  /** Cuts the portal sockets whose session ended (one query for all of this node's). */
  async sweepPortal(): Promise<void> {
    const all = this.portalSockets();
    if (!all.length) return;
    const alive = await this.portalLive.alive(all.map((s) => s.portal));
    for (const { socket, portal } of all) if (!alive.has(portal.sessionId)) refuse(socket, 'session ended');
  }

  /** Local sockets that completed authentication. */
  private sockets(): { socket: Socket; auth: SocketAuth }[] {
    const out: { socket: Socket; auth: SocketAuth }[] = [];
    for (const socket of this.server.sockets.sockets.values()) {
      const auth = (socket.data as SocketData | undefined)?.auth;
      if (auth) out.push({ socket, auth });
    }
    return out;
  }

  private onRevocation(message: string): void {
    let event: RevocationEvent;
    try {
      event = JSON.parse(message) as RevocationEvent;
    } catch {
      return;
    }
    for (const { socket, auth } of this.sockets()) {
      if (
        event.kind === 'session' ? auth.sessionId === event.sessionId : auth.userId === event.userId && auth.generation < event.generation
      ) {
        refuse(socket, 'session ended');
      }
    }
  }

  /**
   * The per-second pass over this node's sockets, one loop for all of them (no per-socket timers):
   * - a socket whose unsent data passed LIVE_MAX_BUFFERED_BYTES is cut: a client that does not read would
   *   otherwise hold the server's memory without bound (coalesced events bound what a second adds);
   * - a socket whose access or portal token expired is cut (the console reconnects with a fresh one).
   */
  checkSockets(now = Date.now()): void {
    for (const socket of this.server.sockets.sockets.values()) {
      if (socket.disconnected) continue;
      const data = socket.data as SocketData | undefined;
      if (bufferedBytes(socket) > this.config.LIVE_MAX_BUFFERED_BYTES) {
        this.logger.warn({ socket: socket.id, user: data?.userId }, 'live socket not reading: disconnected');
        refuse(socket, 'too slow');
        // The close frame would queue behind the unread data: drop the connection itself.
        const ws = (socket.conn.transport as unknown as { socket?: { terminate?: () => void } }).socket;
        if (typeof ws?.terminate === 'function') ws.terminate();
        else socket.conn.close(true);
        continue;
      }
      const exp = data?.auth?.exp ?? data?.portal?.exp;
      if (exp !== undefined && exp * 1000 <= now) refuse(socket, 'session expired');
    }
  }

  private async tick(): Promise<void> {
    try {
      const now = Date.now();
      this.checkSockets(now);
      // AccessService's generation counter (bumped by every change of users, memberships or tenants).
      const generation = (await this.redis.client.get(this.redis.key('access-generation'))) ?? '0';
      const rightsChanged = this.lastAccessGeneration !== null && generation !== this.lastAccessGeneration;
      this.lastAccessGeneration = generation;
      const full = now - this.lastFullCheck >= this.config.LIVE_REVALIDATE_SECONDS * 1000;
      if (full) this.lastFullCheck = now;
      if (full) await this.sweepPortal();
      if (rightsChanged || full) await this.sweep(true);
    } catch (err) {
      this.logger.warn({ err }, 'live sockets re-check failed');
    }
  }

  /** Re-checks every local socket: its session in Redis and (with `rights`) the rooms it may be in. One sweep at a time. */
  async sweep(rights: boolean): Promise<void> {
    if (this.sweeping) {
      this.pending = { rights: rights || (this.pending?.rights ?? false) };
      return this.sweeping;
    }
    this.sweeping = this.runSweep(rights).finally(() => {
      this.sweeping = null;
      const next = this.pending;
      this.pending = null;
      if (next) void this.sweep(next.rights);
    });
    return this.sweeping;
  }

  private async runSweep(rights: boolean): Promise<void> {
    const all = this.sockets();
    if (!all.length) return;
    // One state per session (thousands of sockets of one console share a session).
    const sessions = new Map<string, { userId: string; sessionId: string }>();
    for (const { auth } of all) sessions.set(auth.sessionId, { userId: auth.userId, sessionId: auth.sessionId });
    const list = [...sessions.values()];
    const states = await this.revocations.states(list);
    const stateOf = new Map(list.map((s, i) => [s.sessionId, states[i]]));
    const alive: { socket: Socket; auth: SocketAuth }[] = [];
    for (const entry of all) {
      if (SessionRevocationService.ended(stateOf.get(entry.auth.sessionId)!, entry.auth.generation)) refuse(entry.socket, 'session ended');
      else alive.push(entry);
    }
    if (!rights) return;
    // One rights lookup per user (AccessService's cache: a query only when something changed).
    const accessOf = new Map<string, { access: AccessContext; rooms: Set<string> } | null>();
    for (const { auth } of alive) {
      if (accessOf.has(auth.userId)) continue;
      const access = await this.access.resolve(auth.userId, auth.sessionId);
      accessOf.set(auth.userId, access ? { access, rooms: new Set(liveRooms(access)) } : null);
    }
    for (const { socket, auth } of alive) {
      if (socket.disconnected) continue;
      const rights = accessOf.get(auth.userId);
      if (!rights) {
        refuse(socket, 'inactive user');
        continue;
      }
      if (!rights.rooms.size) {
        refuse(socket, 'no live data may be read');
        continue;
      }
      const viewport = (socket.data as SocketData).viewport;
      const wanted = viewport ? new Set([...rights.rooms, ...viewportRooms(rights.access, viewport)]) : rights.rooms;
      const own = userRoom(auth.userId);
      for (const room of socket.rooms) if (room !== socket.id && room !== own && !wanted.has(room)) void socket.leave(room);
      // Most sockets already are where they should be: no list is built for them.
      let missing: string[] | undefined;
      for (const room of wanted) if (!socket.rooms.has(room)) (missing ??= []).push(room);
      if (missing) void socket.join(missing);
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.subscriber?.disconnect();
  }
}

/** Whether a tenant's live data may be watched: its live readings or its dashboard may be read. */
const watches = (t: VisibleTenant) => t.matrix.LIVE_READINGS.read || t.matrix.DASHBOARD.read;

function liveRooms(access: AccessContext): string[] {
  return [...access.tenants.values()].filter(watches).map((t) => tenantRoom(t.id));
}

/** The viewport rooms a socket may be in: its cells for each tenant it may watch (within the map's tenant, if named). */
function viewportRooms(access: AccessContext, viewport: Viewport | undefined): string[] {
  if (!viewport?.cells.length) return [];
  const within = viewport.tenantId ? access.tenants.get(viewport.tenantId) : undefined;
  if (viewport.tenantId && !within) return [];
  const rooms: string[] = [];
  for (const t of access.tenants.values()) {
    if (!watches(t)) continue;
    if (within && !isSameOrDescendant(t.path, within.path)) continue;
    for (const cell of viewport.cells) rooms.push(cellRoom(t.id, cell));
  }
  return rooms;
}

/** The identity a socket's data was authenticated with, as recoveryIdentity names a token's. */
function identityOf(data: SocketData | undefined): string | null {
  if (data?.auth) return `user:${data.auth.userId}:${data.auth.sessionId}`;
  if (data?.portal) return `portal:${data.portal.accountId}:${data.portal.sessionId}`;
  return null;
}

/**
 * A socket keeps its handshake for life: the token and the request headers (about 0.3 KB of strings a
 * connection, heap snapshots of 2,000 sockets in docs/benchmarks.md) are not read once the token is checked.
 */
function trimHandshake(socket: Socket): void {
  delete (socket.handshake.auth as { token?: string }).token;
  socket.handshake.headers = {};
}

/** Leaves the rooms a recovered socket brought back that it may no longer be in. */
function leaveOthers(socket: Socket, wanted: string[]): void {
  if (!socket.recovered) return;
  const keep = new Set([socket.id, ...wanted]);
  for (const room of socket.rooms) if (!keep.has(room)) void socket.leave(room);
}

/** Bytes waiting to reach the client: Engine.IO's queue plus what the WebSocket has not handed to the network. */
function bufferedBytes(socket: Socket): number {
  const conn = socket.conn as unknown as { writeBuffer?: { data?: unknown }[]; transport?: { socket?: { bufferedAmount?: number } } };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    bytes += typeof data === 'string' ? data.length : data instanceof Uint8Array ? data.byteLength : 16;
  }
  return bytes;
}

/**
 * Writes to this socket now, outside the adapter's stream: with connection state recovery a plain
 * socket.emit goes through Redis first (to be replayable), and would arrive after a disconnect that follows.
 */
function tell(socket: Socket, event: 'ready' | 'error', payload: unknown): void {
  socket.nsp.local.to(socket.id).emit(event as never, payload);
}

function refuse(socket: Socket, message: string): void {
  if (socket.disconnected) return;
  tell(socket, 'error', { message });
  socket.disconnect(true);
}
