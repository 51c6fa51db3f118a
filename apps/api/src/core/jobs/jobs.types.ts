/** Every queue and job of the platform, with its payload: the one place job shapes are defined. */
export enum QueueName {
  Uplinks = 'uplinks',
  Maintenance = 'maintenance',
}

export enum JobName {
  /** Decode and store a batch of accepted uplinks (the ingest nodes gather them for a few milliseconds). */
  ProcessUplinks = 'process-uplinks',
  /** One uplink: the job of releases before batching, still consumed so an upgrade loses nothing queued. */
  ProcessUplink = 'process-uplink',
  /** Open NO_SIGNAL alarms for devices silent longer than their expected interval allows. */
  CheckNoSignal = 'check-no-signal',
}

/** An accepted uplink, normalised from whichever network server sent it. */
export interface UplinkEnvelope {
  deviceId: string;
  tenantId: string;
  integrationId: string | null;
  /** When the platform (or the network server) received it, ISO 8601. */
  receivedAt: string;
  /** Time reported by the network for the frame, ISO 8601, if any. */
  deviceTime: string | null;
  fPort: number | null;
  fCnt: number | null;
  payloadHex: string;
  rx: { rssi?: number; snr?: number; gatewayCount?: number } | null;
  source: 'ttn' | 'chirpstack' | 'sigfox' | 'generic' | 'mqtt-chirpstack' | 'mqtt-generic' | 'simulator';
  requestId?: string;
}

export interface UplinkBatch {
  uplinks: UplinkEnvelope[];
}

export interface JobPayloads {
  [JobName.ProcessUplinks]: UplinkBatch;
  [JobName.ProcessUplink]: UplinkEnvelope;
  [JobName.CheckNoSignal]: Record<string, never>;
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.ProcessUplinks]: QueueName.Uplinks,
  [JobName.ProcessUplink]: QueueName.Uplinks,
  [JobName.CheckNoSignal]: QueueName.Maintenance,
};
