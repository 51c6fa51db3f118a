import type { AlarmType } from '@water/shared';
import { describe, expect, it } from 'vitest';
import {
  countByStatus,
  MAP_STATUS_COLOURS,
  MAP_STATUS_LABELS,
  markerStatusKeys,
  statusRank,
  worstStatus,
} from '~/composables/useMapStatus';
import en from '../../i18n/locales/en/dashboard.json';
import tr from '../../i18n/locales/tr/dashboard.json';

const alarmLabels = new Proxy({} as Record<AlarmType, string>, { get: (_, type) => `alarms.types.${String(type)}` });

describe('NO_DEVICE on the dashboard map (issue #21)', () => {
  it('is drawn grey, but not the no-signal grey', () => {
    expect(MAP_STATUS_COLOURS.NO_DEVICE).toMatch(/^#([0-9a-f])\1?/i);
    expect(MAP_STATUS_COLOURS.NO_DEVICE).not.toBe(MAP_STATUS_COLOURS.GREY);
    expect(MAP_STATUS_COLOURS.NO_DEVICE).toBe('#9ca3af');
  });

  it('ranks below no signal and above green', () => {
    expect(statusRank('GREY')).toBeLessThan(statusRank('NO_DEVICE'));
    expect(statusRank('NO_DEVICE')).toBeLessThan(statusRank('GREEN'));
    expect(worstStatus(['GREEN', 'NO_DEVICE'])).toBe('NO_DEVICE');
    expect(worstStatus(['NO_DEVICE', 'GREY'])).toBe('GREY');
  });

  it('is counted apart from no signal', () => {
    const counts = countByStatus([{ status: 'GREY' }, { status: 'NO_DEVICE' }, { status: 'NO_DEVICE' }, { status: 'GREEN' }]);
    expect(counts).toEqual({ RED: 0, ORANGE: 0, GREY: 1, NO_DEVICE: 2, GREEN: 1 });
  });

  it('names its state "no meter/device" in the popup, in both languages', () => {
    expect(markerStatusKeys({ status: 'NO_DEVICE', reasons: [] }, alarmLabels)).toEqual([MAP_STATUS_LABELS.NO_DEVICE]);
    expect(MAP_STATUS_LABELS.NO_DEVICE).toBe('map.status.NO_DEVICE');
    expect(tr.map.status.NO_DEVICE).toBe('Sayaç/cihaz yok');
    expect(en.map.status.NO_DEVICE).toBe('No meter/device');
    expect(tr.map.statusHint.NO_DEVICE).toBeTruthy();
    expect(en.map.statusHint.NO_DEVICE).toBeTruthy();
  });

  it('keeps alarm reasons first and green as "Normal"', () => {
    expect(markerStatusKeys({ status: 'GREY', reasons: ['NO_SIGNAL'] }, alarmLabels)).toEqual(['alarms.types.NO_SIGNAL']);
    expect(markerStatusKeys({ status: 'GREEN', reasons: [] }, alarmLabels)).toEqual(['map.status.GREEN']);
  });
});
