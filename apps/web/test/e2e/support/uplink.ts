import { DEVICE_PROFILES, encodeUplink, type DeviceProfileKey, type MeterFrameValues } from '@water/db';
import { inject } from 'vitest';

/** Seeded LoRaWAN device profiles (model code → encoder key). */
export const LORAWAN_PROFILES: Record<string, DeviceProfileKey> = Object.fromEntries(
  DEVICE_PROFILES.filter((p) => p.technology === 'LORAWAN').map((p) => [p.modelCode, p.key]),
);

/**
 * Posts a real TTN uplink for a seeded LoRaWAN device through the ingest webhook of `integration`,
 * as the network server would: the index, battery and alarm flags encoded by the device profile's encoder.
 */
export function postTtnUplink(
  integration: { id: string; secret: string },
  device: { profile: { modelCode: string }; networkId: { value: string } | null },
  reading: { indexM3: number; batteryPct: number; alarms?: MeterFrameValues['alarms']; fCnt: number; rssi?: number; snr?: number },
): Promise<Response> {
  const { indexM3, batteryPct, alarms } = reading;
  const uplink = encodeUplink(LORAWAN_PROFILES[device.profile.modelCode]!, { indexM3, batteryPct, ...(alarms ? { alarms } : {}) });
  return fetch(`${inject('apiUrl')}/api/ingest/ttn/${integration.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-integration-secret': integration.secret },
    body: JSON.stringify({
      end_device_ids: { dev_eui: device.networkId!.value },
      received_at: new Date().toISOString(),
      uplink_message: {
        f_port: uplink.fPort,
        f_cnt: reading.fCnt,
        frm_payload: uplink.payload.toString('base64'),
        rx_metadata: [{ rssi: reading.rssi ?? -80, snr: reading.snr ?? 7.5 }],
      },
    }),
  });
}
