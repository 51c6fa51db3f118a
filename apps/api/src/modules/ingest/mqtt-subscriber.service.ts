import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { ChirpstackUplinkSchema, GenericUplinkSchema } from './ingest.formats';
import { IngestService } from './ingest.service';

/** ChirpStack v4 publishes uplinks here (JSON marshaler); the application id names the integration. */
export const CHIRPSTACK_TOPIC = 'application/+/device/+/event/up';
/** Devices that speak MQTT themselves (NB-IoT, Wi-Fi) publish the generic JSON format here. */
export const GENERIC_TOPIC = 'water/+/up';
/**
 * Shared subscriptions: the workers of one deployment split the messages instead of each getting all
 * of them. The group is named after the deployment's key prefix, so two deployments (or test runs)
 * on one broker never take each other's messages.
 */
const shareGroup = (prefix: string) => `$share/${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}-workers/`;

/**
 * MQTT ingestion, on the same validation, de-duplication and queue path as the webhooks. The broker
 * authenticates publishers; generic messages also carry their integration's secret.
 */
@Injectable()
export class MqttSubscriberService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('mqtt');
  private client?: MqttClient;
  readonly stats = { accepted: 0, duplicate: 0, rejected: 0 };

  constructor(
    private readonly ingest: IngestService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return new Promise((resolve) => {
      const client = mqtt.connect(this.config.MQTT_URL, {
        clientId: `water-worker-${randomBytes(4).toString('hex')}`,
        clean: true,
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
      });
      this.client = client;
      let ready = false;
      const done = () => {
        if (!ready) {
          ready = true;
          resolve();
        }
      };
      client.on('connect', () => {
        const share = shareGroup(this.config.REDIS_PREFIX);
        client.subscribe([share + CHIRPSTACK_TOPIC, share + GENERIC_TOPIC], { qos: 1 }, (err) => {
          if (err) this.logger.error({ err: err.message }, 'subscribe failed');
          else this.logger.log(`subscribed to ${CHIRPSTACK_TOPIC} and ${GENERIC_TOPIC} on ${this.config.MQTT_URL}`);
          done();
        });
      });
      client.on('error', (err) => this.logger.error({ err: err.message }, 'mqtt error'));
      client.on('message', (topic, payload) => void this.handle(topic, payload));
      // Start anyway when the broker is down; the client keeps reconnecting.
      setTimeout(done, 5000).unref();
    });
  }

  async handle(topic: string, payload: Buffer): Promise<void> {
    const parts = topic.split('/');
    try {
      const body = JSON.parse(payload.toString('utf8')) as unknown;
      let result;
      if (parts[0] === 'application' && parts[4] === 'event' && parts[5] === 'up') {
        result = await this.ingest.chirpstackFromMqtt(parts[1], ChirpstackUplinkSchema.parse(body));
      } else if (parts[0] === 'water' && parts[2] === 'up') {
        const secret = (body as { secret?: unknown })?.secret;
        result = await this.ingest.generic(
          parts[1],
          typeof secret === 'string' ? secret : undefined,
          GenericUplinkSchema.parse(body),
          undefined,
          'mqtt-generic',
        );
      } else return;
      this.stats[result.status]++;
    } catch (err) {
      this.stats.rejected++;
      this.logger.warn({ topic, err: (err as Error).message?.slice(0, 300) }, 'mqtt uplink rejected');
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.client?.endAsync();
  }
}
