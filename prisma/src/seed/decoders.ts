import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { insertChunked, type SeedContext } from './context';
import type { DefinitionIds } from './definitions';
import { DEVICE_PROFILES, type DeviceProfileKey, type ProfileIds } from './profiles';

/** prisma/decoders, reached the same way from src/seed (tests) and dist/seed (built CLI). */
export const DECODERS_DIR = resolve(__dirname, '../../decoders');

export type FrameKind = 'index' | 'alarm';

export interface MessageScenarioDefinition {
  profile: DeviceProfileKey;
  kind: FrameKind;
  name: string;
  /** LoRaWAN FPort; null for Sigfox and NB-IoT, which have none. */
  fPort: number | null;
  file: string;
}

/** LoRaWAN profiles send index frames on port 1 and alarm frames on port 2; the others one frame type. */
export const MESSAGE_SCENARIOS: MessageScenarioDefinition[] = [
  { profile: 'manas-lorawan', kind: 'index', name: 'Daily/hourly index', fPort: 1, file: 'manas-lorawan-index.js' },
  { profile: 'manas-lorawan', kind: 'alarm', name: 'Alarm frame', fPort: 2, file: 'manas-lorawan-alarm.js' },
  { profile: 'itron-lorawan', kind: 'index', name: 'Daily/hourly index', fPort: 1, file: 'itron-lorawan-index.js' },
  { profile: 'itron-lorawan', kind: 'alarm', name: 'Alarm frame', fPort: 2, file: 'itron-lorawan-alarm.js' },
  { profile: 'klepsan-lorawan', kind: 'index', name: 'Daily/hourly index', fPort: 1, file: 'klepsan-lorawan-index.js' },
  { profile: 'klepsan-lorawan', kind: 'alarm', name: 'Alarm frame', fPort: 2, file: 'klepsan-lorawan-alarm.js' },
  { profile: 'ima-lorawan', kind: 'index', name: 'Daily/hourly index', fPort: 1, file: 'ima-lorawan-index.js' },
  { profile: 'ima-lorawan', kind: 'alarm', name: 'Alarm frame', fPort: 2, file: 'ima-lorawan-alarm.js' },
  { profile: 'cem-sigfox', kind: 'index', name: 'Hourly index (12-byte frame)', fPort: null, file: 'cem-sigfox.js' },
  { profile: 'baylan-nbiot', kind: 'index', name: 'Hourly index', fPort: null, file: 'baylan-nbiot.js' },
  { profile: 'inodya-nbiot', kind: 'index', name: 'Hourly index', fPort: null, file: 'inodya-nbiot.js' },
];

export function loadDecoderSource(file: string): string {
  return readFileSync(resolve(DECODERS_DIR, file), 'utf8');
}

export async function seedMessageScenarios(ctx: SeedContext, defs: DefinitionIds, profiles: ProfileIds): Promise<void> {
  const rows = MESSAGE_SCENARIOS.map((s) => {
    const profile = DEVICE_PROFILES.find((p) => p.key === s.profile)!;
    return {
      id: ctx.rng.uuid(),
      device_profile_id: profiles.deviceProfiles.get(s.profile)!,
      technology_id: defs.technologies.get(profile.technology)!,
      name: s.name,
      f_port: s.fPort,
      decoder_source: loadDecoderSource(s.file),
      sort_order: s.kind === 'index' ? 1 : 2,
    };
  });
  await insertChunked(ctx, 'message_scenario', rows);
}
