import type { ProfilesDeviceDetail, ProfilesMeterDetail } from '~/composables/useProfilesApi';
import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { createDeviceProfileForm } from '~/lib/device-profile-form';
import { createMeterProfileForm, validateMeterProfile } from '~/lib/meter-profile-form';
import { createScenarioForm, validateScenario } from '~/lib/scenario-form';

function makeMeterProfile(overrides: Partial<ProfilesMeterDetail> = {}): ProfilesMeterDetail {
  return {
    id: 'mp1',
    brand: { id: 'b1', name: 'Baylan' },
    modelCode: 'KT-15 R160',
    meterType: 'SINGLE_JET',
    dialType: 'SUPER_DRY',
    temperatureType: 'T30',
    mountingType: 'HORIZONTAL',
    connectionType: 'THREAD',
    ipRating: { id: 'ip68', code: 'IP68' },
    diameterMm: 15,
    lengthMm: 110,
    widthMm: null,
    heightMm: null,
    q1: 0.016,
    q2: 0.025,
    q3: 2.5,
    q4: 3.125,
    rValue: 156.25,
    rValueManual: false,
    pressureLossBar: 0.6,
    communicationModule: 'RETROFIT',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    compatibleDeviceProfiles: [{ id: 'dp1', brand: 'Baylan', modelCode: 'BYL-NB1' }],
    allowedTenants: [{ id: 't1', name: 'ASKİ' }],
    ...overrides,
  };
}

function makeDeviceProfile(overrides: Partial<ProfilesDeviceDetail> = {}): ProfilesDeviceDetail {
  return {
    id: 'dp1',
    brand: { id: 'db1', name: 'Baylan' },
    modelCode: 'BYL-NB1',
    communicationModule: 'INTEGRATED',
    batteryLifeMonths: 120,
    expectedIntervalMinutes: 60,
    description: null,
    technologies: [{ id: 'nb', code: 'NBIOT', name: 'NB-IoT' }],
    scenarioCount: 0,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    compatibleMeterProfiles: [],
    allowedTenants: [],
    scenarios: [],
    ...overrides,
  };
}

describe('meter profile form: R value', () => {
  it('computes R from Q3/Q1 live while it is not entered by hand', () => {
    const form = createMeterProfileForm(makeMeterProfile());
    expect(form.rManual.value).toBe(false);
    expect(form.rText.value).toBe('156.25');
    form.values.q1 = '0.025';
    expect(form.rText.value).toBe('100');
    form.values.q3 = '4';
    expect(form.rText.value).toBe('160');
  });

  it('reads decimal commas and shows nothing while Q1 or Q3 is missing', () => {
    const form = createMeterProfileForm(null);
    form.values.q1 = '0,0156';
    expect(form.rText.value).toBe('');
    form.values.q3 = '2,5';
    expect(form.rText.value).toBe('160.26');
  });

  it('keeps a typed R over the computed one, and hands back to the computation when cleared', () => {
    const form = createMeterProfileForm(makeMeterProfile());
    form.setRText('160');
    expect(form.rManual.value).toBe(true);
    form.values.q1 = '0.025';
    expect(form.rText.value).toBe('160');
    expect(form.computedR.value).toBe(100);
    expect(form.payload().rValue).toBe(160);
    form.setRText('  ');
    expect(form.rManual.value).toBe(false);
    expect(form.rText.value).toBe('100');
    expect(form.payload().rValue).toBeNull();
  });

  it('starts from a stored hand-entered R and can reset it', () => {
    const form = createMeterProfileForm(makeMeterProfile({ rValue: 160, rValueManual: true }));
    expect(form.rText.value).toBe('160');
    form.resetR();
    expect(form.rText.value).toBe('156.25');
    expect(form.changes()).toEqual({ rValue: null });
  });
});

describe('meter profile form: validation and changes', () => {
  it('asks for every required choice and number of a new profile', () => {
    const form = createMeterProfileForm(null);
    const issues = form.issues.value;
    for (const field of [
      'brandId',
      'modelCode',
      'meterType',
      'dialType',
      'mountingType',
      'connectionType',
      'ipRatingId',
      'communicationModule',
      'diameterMm',
      'q1',
      'q2',
      'q3',
      'q4',
    ] as const) {
      expect(issues[field], field).toBeDefined();
    }
    expect(issues.temperatureType).toBeUndefined();
    expect(issues.lengthMm).toBeUndefined();
    expect(form.valid.value).toBe(false);
  });

  it('requires Q1 ≤ Q2 ≤ Q3 ≤ Q4 and marks the later rate', () => {
    const form = createMeterProfileForm(makeMeterProfile());
    expect(form.valid.value).toBe(true);
    form.values.q2 = '3';
    expect(form.issues.value.q3).toEqual({ key: 'profiles.validation.flowOrder', params: { previous: 'Q2' } });
    expect(form.issues.value.q2).toBeUndefined();
  });

  it('checks decimals, ranges and a hand-entered R', () => {
    const values = createMeterProfileForm(makeMeterProfile()).values;
    values.q1 = '0.00001';
    values.lengthMm = '110.25';
    values.diameterMm = '15.5';
    values.pressureLossBar = '-1';
    values.rValue = 'abc';
    const issues = validateMeterProfile(values, true);
    expect(issues.q1?.key).toBe('profiles.validation.decimals');
    expect(issues.lengthMm?.key).toBe('profiles.validation.decimals');
    expect(issues.diameterMm?.key).toBe('profiles.validation.diameter');
    expect(issues.pressureLossBar?.key).toBe('profiles.validation.pressure');
    expect(issues.rValue?.key).toBe('profiles.validation.number');
  });

  it('sends only what changed, comparing lists as sets', () => {
    const form = createMeterProfileForm(
      makeMeterProfile({
        allowedTenants: [
          { id: 't1', name: 'A' },
          { id: 't2', name: 'B' },
        ],
      }),
    );
    expect(form.dirty.value).toBe(false);
    form.values.allowedTenantIds = ['t2', 't1'];
    expect(form.dirty.value).toBe(false);
    form.values.modelCode = ' KT-15 R160 v2 ';
    form.values.widthMm = '78';
    expect(form.changes()).toEqual({ modelCode: 'KT-15 R160 v2', widthMm: 78 });
    expect(form.dirty.value).toBe(true);
  });
});

describe('device profile form', () => {
  it('drops the battery life when there is no communication module', async () => {
    const form = createDeviceProfileForm(makeDeviceProfile());
    expect(form.showBattery.value).toBe(true);
    form.values.communicationModule = 'NONE';
    await nextTick();
    expect(form.showBattery.value).toBe(false);
    expect(form.values.batteryLifeMonths).toBe('');
    expect(form.changes()).toEqual({ communicationModule: 'NONE', batteryLifeMonths: null });
  });

  it('checks the battery life and the reporting interval', () => {
    const form = createDeviceProfileForm(makeDeviceProfile());
    form.values.batteryLifeMonths = '0';
    form.values.expectedIntervalMinutes = '';
    expect(form.issues.value.batteryLifeMonths?.key).toBe('profiles.validation.battery');
    expect(form.issues.value.expectedIntervalMinutes?.key).toBe('profiles.validation.required');
  });
});

describe('message scenario form', () => {
  it('starts a new scenario with a decoder template and the first technology', () => {
    const form = createScenarioForm(null, 'nb');
    expect(form.values.technologyId).toBe('nb');
    expect(form.values.decoderSource).toContain('function decodeUplink');
    expect(form.issues.value.name).toBeDefined();
  });

  it('checks the decoder, the port and the field mapping', () => {
    const values = createScenarioForm(null, 'nb').values;
    values.name = 'Hourly';
    values.decoderSource = 'function decode(input) {}';
    values.fPort = '256';
    values.fieldMapping = '{"volume": 5}';
    const issues = validateScenario(values);
    expect(issues.decoderSource?.key).toBe('profiles.validation.decodeUplink');
    expect(issues.fPort?.key).toBe('profiles.validation.fPort');
    expect(issues.fieldMapping?.key).toBe('profiles.validation.mappingEntry');
  });

  it('sends the mapping as an object and an empty port as any port', () => {
    const form = createScenarioForm(null, 'nb');
    form.values.name = 'Hourly';
    form.values.fieldMapping = '{ "volume": " indexM3 " }';
    expect(form.valid.value).toBe(true);
    expect(form.payload()).toMatchObject({
      name: 'Hourly',
      technologyId: 'nb',
      fPort: null,
      fieldMapping: { volume: 'indexM3' },
      sortOrder: 0,
    });
  });
});
