import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { ingestUplinks } from '../../core/metrics/metrics';
import { asSystem } from '../../core/database/tenant-scope';
import { BadInputException, EntityNotFoundException, NotAuthenticatedException, ServiceUnavailableException } from '../../core/http/errors';
import type { UplinkEnvelope } from '../../core/jobs/jobs.types';
import { RedisService } from '../../core/redis/redis.service';
import { hashSecret } from '../integrations/integrations.service';
import { MAX_PAYLOAD_BYTES, type ChirpstackUplink, type GenericUplink, type SigfoxUplink, type TtnUplink } from './ingest.formats';
import { IngestRepository, type DeviceRef, type IntegrationKind, type IntegrationRow } from './ingest.repository';
import { UplinkBatcher } from './uplink-batcher.service';

type Kind = IntegrationKind;

export interface IngestResult {
  status: 'accepted' | 'duplicate';
}

/** How long a frame is remembered for de-duplication (network-server retries arrive within minutes). */
const DEDUP_TTL_SECONDS = 6 * 3600;
const CACHE_TTL_MS = 30_000;
/**
 * Integrations are re-read this often on each node, so a rotated secret, a deactivation or a deletion
 * takes effect everywhere within a second (one indexed lookup per integration a second).
 */
const INTEGRATION_TTL_MS = 1_000;

/**
 * Claims a frame for acceptance. The mark is `p|<claimed at, ms>|<receivedAt>` until its batch is
 * queued, then `1` (UplinkBatcher.confirm). Answers:
 *  - nil: claimed now;
 *  - '1' (or any value of older releases): the frame is queued already;
 *  - {'held', ms}: another request is queuing it, claimed that many ms ago;
 *  - {'taken', receivedAt}: that claim is older than ARGV[2] ms (its node died): claimed anew, and the
 *    frame keeps its first receivedAt so the worker stores a copy that slipped through only once.
 * Time is Redis's, so nodes with skewed clocks agree.
 */
const CLAIM_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], 'p|' .. now .. '|' .. ARGV[1], 'EX', ARGV[3])
  return nil
end
local at, received = string.match(v, '^p|(%d+)|(.*)$')
if not at then return v end
local age = now - tonumber(at)
if age < tonumber(ARGV[2]) then return {'held', tostring(age)} end
redis.call('SET', KEYS[1], 'p|' .. now .. '|' .. received, 'EX', ARGV[3])
return {'taken', received}
`;

/** Which provisioning field identifies a device for each network. */
const IDENTIFIER_OF: Record<Exclude<Kind, 'GENERIC'>, { technology: string; key: string }> = {
  TTN: { technology: 'LORAWAN', key: 'DevEUI' },
  CHIRPSTACK: { technology: 'LORAWAN', key: 'DevEUI' },
  SIGFOX: { technology: 'SIGFOX', key: 'ID' },
};

class TtlCache<V> {
  private readonly map = new Map<string, { value: V; expires: number }>();
  constructor(private readonly max = 50_000) {}
  get(key: string): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.expires < Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    return hit.value;
  }
  set(key: string, value: V, ttlMs: number) {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, expires: Date.now() + ttlMs });
  }
}

/**
 * Accepts uplinks from network servers: checks the integration secret, finds the device inside the
 * integration's tenant, drops duplicates and enqueues the rest. Decoding happens in the workers.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger('ingest');
  private readonly integrations = new TtlCache<IntegrationRow | null>(10_000);
  private readonly devices = new TtlCache<DeviceRef | null>();

  constructor(
    private readonly repository: IngestRepository,
    private readonly redis: RedisService,
    private readonly batcher: UplinkBatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // EVALSHA with the script sent once per connection, not on every uplink.
    if (!('claimFrame' in redis.client)) redis.client.defineCommand('claimFrame', { numberOfKeys: 1, lua: CLAIM_SCRIPT });
  }

  /** ChirpStack's other event types (join, status, ack, …) carry no readings, but only the integration may post them. */
  async chirpstackEvent(integrationId: string, secret: string | undefined): Promise<void> {
    await this.authenticate(integrationId, secret, 'CHIRPSTACK');
  }

  async ttn(integrationId: string, secret: string | undefined, body: TtnUplink, requestId?: string): Promise<IngestResult> {
    const integration = await this.authenticate(integrationId, secret, 'TTN');
    const m = body.uplink_message;
    const rx = best(m.rx_metadata?.map((r) => ({ rssi: r.rssi ?? r.channel_rssi, snr: r.snr })));
    const receivedAt = m.received_at ?? body.received_at ?? new Date().toISOString();
    return this.accept(integration, body.end_device_ids.dev_eui, IDENTIFIER_OF.TTN, {
      receivedAt,
      deviceTime: receivedAt,
      fPort: m.f_port ?? 0,
      fCnt: m.f_cnt ?? 0,
      payloadHex: base64ToHex(m.frm_payload ?? ''),
      rx,
      source: 'ttn',
      requestId,
    });
  }

  async chirpstack(
    integrationId: string,
    secret: string | undefined,
    body: ChirpstackUplink,
    requestId?: string,
    source: UplinkEnvelope['source'] = 'chirpstack',
  ): Promise<IngestResult> {
    const integration = await this.authenticate(integrationId, secret, 'CHIRPSTACK');
    return this.acceptChirpstack(integration, body, requestId, source);
  }

  /** MQTT: the broker authenticated the publisher; the topic's application id names the integration. */
  async chirpstackFromMqtt(applicationId: string, body: ChirpstackUplink): Promise<IngestResult> {
    const row = await asSystem(() => this.repository.chirpstackIntegration(applicationId));
    if (!row || !row.isActive) throw new EntityNotFoundException('integration for application', applicationId);
    return this.acceptChirpstack(row, body, undefined, 'mqtt-chirpstack');
  }

  async sigfox(integrationId: string, secret: string | undefined, body: SigfoxUplink, requestId?: string): Promise<IngestResult> {
    const integration = await this.authenticate(integrationId, secret, 'SIGFOX');
    const at = new Date(Number(body.time) * 1000).toISOString();
    return this.accept(integration, body.device.padStart(8, '0'), IDENTIFIER_OF.SIGFOX, {
      receivedAt: at,
      deviceTime: at,
      fPort: null,
      fCnt: body.seqNumber ?? null,
      payloadHex: body.data.toLowerCase(),
      rx: body.rssi !== undefined || body.snr !== undefined ? { rssi: body.rssi, snr: body.snr } : null,
      source: 'sigfox',
      requestId,
    });
  }

  async generic(
    integrationId: string,
    secret: string | undefined,
    body: GenericUplink,
    requestId?: string,
    source: UplinkEnvelope['source'] = 'generic',
  ): Promise<IngestResult> {
    const integration = await this.authenticate(integrationId, secret, 'GENERIC');
    const receivedAt = body.time ?? new Date().toISOString();
    return this.accept(integration, body.deviceId, body.idType ? { technology: null, key: body.idType } : null, {
      receivedAt,
      deviceTime: body.time ?? null,
      fPort: body.port ?? null,
      fCnt: body.counter ?? null,
      payloadHex: body.payloadHex !== undefined ? body.payloadHex.toLowerCase() : base64ToHex(body.payloadBase64 ?? ''),
      rx: body.rssi !== undefined || body.snr !== undefined ? { rssi: body.rssi, snr: body.snr } : null,
      source,
      requestId,
    });
  }

  private acceptChirpstack(
    integration: IntegrationRow,
    body: ChirpstackUplink,
    requestId: string | undefined,
    source: UplinkEnvelope['source'],
  ) {
    const receivedAt = body.time ?? new Date().toISOString();
    return this.accept(integration, body.deviceInfo.devEui, IDENTIFIER_OF.CHIRPSTACK, {
      receivedAt,
      deviceTime: receivedAt,
      fPort: body.fPort ?? 0,
      fCnt: body.fCnt ?? 0,
      payloadHex: base64ToHex(body.data ?? ''),
      rx: best(body.rxInfo),
      source,
      requestId,
    });
  }

  private async authenticate(id: string, secret: string | undefined, kind: Kind): Promise<IntegrationRow> {
    if (!secret) {
      ingestUplinks.inc({ kind, outcome: 'unauthenticated' });
      throw new NotAuthenticatedException('integration secret missing (header X-Integration-Secret, Authorization: Bearer, or ?token=)');
    }
    let row = this.integrations.get(id);
    if (row === undefined) {
      // Webhooks are not a user's requests: the integration is found by its id, then proves its secret.
      row = await asSystem(() => this.repository.integration(id));
      this.integrations.set(id, row, INTEGRATION_TTL_MS);
    }
    const given = Buffer.from(hashSecret(secret), 'hex');
    const ok = row !== null && row.isActive && timingSafeEqual(given, Buffer.from(row.secretHash, 'hex'));
    if (!ok) {
      ingestUplinks.inc({ kind, outcome: 'unauthenticated' });
      throw new NotAuthenticatedException('unknown integration or bad secret');
    }
    if (row!.kind !== kind) throw new BadInputException(`this integration expects ${row!.kind} uplinks, not ${kind}`);
    return row!;
  }

  private async accept(
    integration: IntegrationRow,
    identifier: string,
    idField: { technology: string | null; key: string } | null,
    frame: Omit<UplinkEnvelope, 'deviceId' | 'tenantId' | 'integrationId'>,
  ): Promise<IngestResult> {
    const kind = integration.kind;
    if (frame.payloadHex.length / 2 > MAX_PAYLOAD_BYTES) {
      ingestUplinks.inc({ kind, outcome: 'refused' });
      throw new BadInputException(`payload larger than ${MAX_PAYLOAD_BYTES} bytes`);
    }
    // Refused before anything is remembered, so the sender's retry is not taken for a duplicate.
    const retryAfter = await this.batcher.overloaded();
    if (retryAfter !== null) {
      ingestUplinks.inc({ kind, outcome: 'shed' });
      throw new ServiceUnavailableException('uplink backlog full, retry later', retryAfter);
    }
    const device = await this.findDevice(integration, identifier, idField);
    if (!device) {
      this.logger.warn({ integrationId: integration.id, identifier }, 'uplink for an unknown device');
      ingestUplinks.inc({ kind, outcome: 'unknown_device' });
      throw new EntityNotFoundException('device', identifier);
    }
    const envelope: UplinkEnvelope = { ...frame, deviceId: device.deviceId, tenantId: device.tenantId, integrationId: integration.id };
    const key = this.redis.key('dedup', device.deviceId, dedupPart(envelope));
    const claimFrame = (this.redis.client as unknown as { claimFrame: (...args: string[]) => Promise<null | string | [string, string]> })
      .claimFrame;
    const claim = await claimFrame.call(
      this.redis.client,
      key,
      envelope.receivedAt,
      String(this.config.INGEST_CLAIM_MS),
      String(DEDUP_TTL_SECONDS),
    );
    if (typeof claim === 'string') {
      ingestUplinks.inc({ kind, outcome: 'duplicate' });
      return { status: 'duplicate' };
    }
    if (Array.isArray(claim) && claim[0] === 'held') {
      const wait = Math.max(1, Math.ceil((this.config.INGEST_CLAIM_MS - Number(claim[1])) / 1000));
      ingestUplinks.inc({ kind, outcome: 'held' });
      throw new ServiceUnavailableException('this frame is being queued by an earlier delivery: retry to learn whether it was', wait);
    }
    if (Array.isArray(claim)) {
      if (envelope.deviceTime === envelope.receivedAt) envelope.deviceTime = claim[1];
      envelope.receivedAt = claim[1];
    }
    try {
      await this.batcher.add(envelope, { key, ttlSeconds: DEDUP_TTL_SECONDS });
    } catch (err) {
      // Not queued means not accepted: let the network server's retry through.
      await this.redis.client.del(key).catch(() => undefined);
      throw err;
    }
    ingestUplinks.inc({ kind, outcome: 'accepted' });
    return { status: 'accepted' };
  }

  /** Finds the device by its identifying field, inside the integration's tenant subtree. */
  private async findDevice(
    integration: IntegrationRow,
    identifier: string,
    idField: { technology: string | null; key: string } | null,
  ): Promise<DeviceRef | null> {
    const value = identifier.trim().toLowerCase();
    const cacheKey = `${integration.id}|${idField?.technology ?? ''}|${idField?.key ?? ''}|${value}`;
    const cached = this.devices.get(cacheKey);
    if (cached !== undefined) return cached;
    // System work for row-level security, bounded by the integration's tenant subtree in the query itself.
    const row = await asSystem(() => this.repository.device(value, idField, integration.tenantPath));
    const ref = row ?? null;
    // Unknown devices are remembered briefly so a misconfigured sender cannot hammer the database.
    this.devices.set(cacheKey, ref, ref ? CACHE_TTL_MS : 5_000);
    return ref;
  }
}

function base64ToHex(b64: string): string {
  return Buffer.from(b64, 'base64').toString('hex');
}

/** The strongest gateway's radio figures. */
function best(rx: { rssi?: number; snr?: number }[] | undefined): UplinkEnvelope['rx'] {
  if (!rx?.length) return null;
  const top = rx.reduce((a, b) => ((b.rssi ?? -999) > (a.rssi ?? -999) ? b : a));
  return { rssi: top.rssi, snr: top.snr, gatewayCount: rx.length };
}

/** Same frame counter and payload, or (without a counter) the same time: the same frame. */
function dedupPart(e: UplinkEnvelope): string {
  const payload = createHash('sha1').update(e.payloadHex).digest('hex').slice(0, 12);
  return e.fCnt !== null && e.fCnt !== undefined ? `f${e.fCnt}:${payload}` : `t${e.deviceTime ?? e.receivedAt}:${payload}`;
}
