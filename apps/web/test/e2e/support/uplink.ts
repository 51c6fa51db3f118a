import { DEVICE_PROFILES, encodeUplink, type DeviceProfileKey, type MeterFrameValues } from '@water/db';
import { expect, inject } from 'vitest';
import type { apiAs } from './browser';

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

/** An active device of the seed on a meter, with a LoRaWAN profile the encoder knows and a DevEUI. */
export interface LoraDevice {
  id: string;
  profile: { modelCode: string };
  networkId: { key: string; value: string };
  meter: { id: string; serialNo: string };
}

/**
 * A new TTN integration of the tenant named `tenantName` (uplinks posted through it are ingested as the network
 * server's) and that tenant's active LoRaWAN devices attached to meters, in the list's order.
 */
export async function ttnIntegrationWithDevices(api: Awaited<ReturnType<typeof apiAs>>, tenantName: string, name: string) {
  const me = await api<{ tenants: { id: string; name: string }[] }>('GET', '/api/auth/me');
  const tenantId = me.body.tenants.find((t) => t.name === tenantName)!.id;
  const integration = await api<{ id: string; secret: string }>('POST', '/api/integrations', { tenantId, kind: 'TTN', name });
  expect(integration.status).toBe(201);
  type Row = Omit<LoraDevice, 'networkId' | 'meter'> & { networkId: LoraDevice['networkId'] | null; meter: LoraDevice['meter'] | null };
  const list = await api<{ items: Row[] }>('GET', `/api/devices?tenantId=${tenantId}&status=ACTIVE&attached=true&pageSize=200`);
  const devices = list.body.items.filter((d): d is LoraDevice => !!(LORAWAN_PROFILES[d.profile.modelCode] && d.networkId && d.meter));
  expect(devices.length, `active LoRaWAN devices on meters of ${tenantName}`).toBeGreaterThan(0);
  return { tenantId, integration: integration.body, devices };
}
