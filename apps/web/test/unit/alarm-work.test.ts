// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  alarmActions,
  alarmListApiQuery,
  alarmTextPayload,
  BULK_ACKNOWLEDGE_MAX,
  canAcknowledge,
  createAlarmSelection,
  readAlarmFilters,
  summarizeBulkOutcome,
  timelineKey,
  validateAlarmText,
  writeAlarmFilters,
} from '~/lib/alarm-work';
import { files, itChecksI18nKeys } from './support/i18n-keys';

describe('alarm list filters', () => {
  it('defaults to active alarms (open and acknowledged), which the API calls state=active', () => {
    const filters = readAlarmFilters({});
    expect(filters).toEqual({ page: 1, state: 'active', type: undefined, age: 'any', assigned: 'any' });
    expect(alarmListApiQuery(filters, 30)).toEqual({ page: 1, pageSize: 30, state: 'active', order: 'desc', sort: 'startedAt' });
    expect(writeAlarmFilters(filters)).toEqual({});
  });

  it('reads every filter from the URL and writes the same URL back', () => {
    const query = { page: '3', state: 'open', type: 'LEAK', age: 'week', assigned: 'me' };
    const filters = readAlarmFilters(query);
    expect(filters).toEqual({ page: 3, state: 'open', type: 'LEAK', age: 'week', assigned: 'me' });
    expect(writeAlarmFilters(filters)).toEqual(query);
  });

  it('falls back to the defaults for anything it does not know', () => {
    expect(readAlarmFilters({ page: '-1', state: 'raised', type: 'FIRE', age: 'ancient', assigned: 'them' })).toEqual(readAlarmFilters({}));
    expect(readAlarmFilters({ page: ['2', '5'], state: [null] }).page).toBe(2);
  });

  it('asks the API for the age bucket in hours and the assignee as me or nobody', () => {
    const base = readAlarmFilters({});
    expect(alarmListApiQuery({ ...base, age: 'day' }, 30)).toMatchObject({ maxAgeHours: 24 });
    expect(alarmListApiQuery({ ...base, age: 'week' }, 30)).toMatchObject({ minAgeHours: 24, maxAgeHours: 168 });
    expect(alarmListApiQuery({ ...base, age: 'older' }, 30)).not.toHaveProperty('maxAgeHours');
    expect(alarmListApiQuery({ ...base, assigned: 'nobody', state: 'closed', type: 'TILT' }, 30)).toMatchObject({
      assignedTo: 'nobody',
      state: 'closed',
      type: 'TILT',
    });
    expect(alarmListApiQuery(base, 30)).not.toHaveProperty('assignedTo');
  });
});

describe('bulk acknowledgement', () => {
  it('offers only alarms nobody acknowledged and nobody closed', () => {
    expect(canAcknowledge({ acknowledgedAt: null, closedAt: null })).toBe(true);
    expect(canAcknowledge({ acknowledgedAt: '2026-01-01T00:00:00Z', closedAt: null })).toBe(false);
    expect(canAcknowledge({ acknowledgedAt: null, closedAt: '2026-01-01T00:00:00Z' })).toBe(false);
  });

  it('ticks rows one by one or a whole page, and says whether the page is all, some or none ticked', () => {
    const selection = createAlarmSelection();
    const page = ['a', 'b', 'c'];
    expect(selection.stateOf(page)).toBe(false);
    selection.toggle('b');
    expect(selection.stateOf(page)).toBe('indeterminate');
    selection.toggleAll(page);
    expect(selection.ids.value).toEqual(['b', 'a', 'c']);
    expect(selection.stateOf(page)).toBe(true);
    selection.toggleAll(page);
    expect(selection.count.value).toBe(0);
    selection.toggle('a', true);
    selection.toggle('a', true);
    selection.toggle('z', false);
    expect(selection.ids.value).toEqual(['a']);
  });

  it('keeps only rows still shown, and never more than the API takes', () => {
    const selection = createAlarmSelection();
    selection.toggleAll(Array.from({ length: BULK_ACKNOWLEDGE_MAX + 5 }, (_, i) => `id-${i}`));
    expect(selection.count.value).toBe(BULK_ACKNOWLEDGE_MAX);
    selection.keep(['id-1', 'id-2', 'other']);
    expect(selection.ids.value).toEqual(['id-1', 'id-2']);
    selection.clear();
    expect(selection.count.value).toBe(0);
  });

  it('counts how each alarm ended', () => {
    expect(
      summarizeBulkOutcome([
        { id: 'a', outcome: 'ACKNOWLEDGED' },
        { id: 'b', outcome: 'ALREADY_ACKNOWLEDGED' },
        { id: 'c', outcome: 'ACKNOWLEDGED' },
      ]),
    ).toEqual({ ACKNOWLEDGED: 2, ALREADY_ACKNOWLEDGED: 1, CLOSED: 0 });
  });
});

describe('one alarm', () => {
  const raised = { acknowledgedAt: null, closedAt: null, assignedTo: null };

  it('offers every action on a raised alarm to a user who may update, none to one who may not', () => {
    expect(alarmActions(raised, true)).toEqual({ acknowledge: true, assign: true, unassign: false, note: true, close: true });
    expect(Object.values(alarmActions(raised, false)).some(Boolean)).toBe(false);
  });

  it('does not acknowledge twice, unassigns only an assigned alarm, and takes only notes once closed', () => {
    const taken = { acknowledgedAt: '2026-01-01T00:00:00Z', closedAt: null, assignedTo: { id: 'u' } };
    expect(alarmActions(taken, true)).toMatchObject({ acknowledge: false, assign: true, unassign: true, close: true });
    expect(alarmActions({ ...taken, closedAt: '2026-01-02T00:00:00Z' }, true)).toEqual({
      acknowledge: false,
      assign: false,
      unassign: false,
      note: true,
      close: false,
    });
  });

  it('names the timeline step with its author, or without one when the source did it or the user is gone', () => {
    expect(timelineKey({ kind: 'RAISED', by: null })).toBe('alarmWork.timeline.RAISED');
    expect(timelineKey({ kind: 'ASSIGNED', by: { id: 'u' } })).toBe('alarmWork.timeline.ASSIGNED');
    expect(timelineKey({ kind: 'NOTE', by: null })).toBe('alarmWork.timeline.NOTE_unknown');
  });

  it('lets a comment be empty but not a note or a reason, within the API limits', () => {
    expect(validateAlarmText('comment', { text: '  ' })).toEqual({});
    expect(validateAlarmText('note', { text: '  ' })).toEqual({ text: 'alarmWork.errors.required' });
    expect(validateAlarmText('reason', { text: '' })).toEqual({ text: 'alarmWork.errors.required' });
    expect(validateAlarmText('reason', { text: 'x'.repeat(501) })).toEqual({ text: 'alarmWork.errors.tooLong.reason' });
    expect(validateAlarmText('note', { text: 'x'.repeat(2000) })).toEqual({});
  });

  it('sends trimmed texts and leaves an empty comment out', () => {
    expect(alarmTextPayload('comment', { text: ' ' })).toEqual({});
    expect(alarmTextPayload('comment', { text: ' on my way ' })).toEqual({ comment: 'on my way' });
    expect(alarmTextPayload('note', { text: 'valve replaced ' })).toEqual({ text: 'valve replaced' });
    expect(alarmTextPayload('reason', { text: ' false alarm' })).toEqual({ reason: 'false alarm' });
  });
});

describe('alarm translations', () => {
  itChecksI18nKeys({
    localeFiles: ['dashboard', 'alarm-work'],
    families: ['alarmWork'],
    sources: [
      ...files('app/components/alarms'),
      'app/pages/alarms/index.vue',
      'app/pages/alarms/[id].vue',
      'app/lib/alarm-work.ts',
      'app/composables/useAlarmWork.ts',
    ],
    usedPrefixes: ['alarmWork', 'alarms', 'dashboard', 'common'],
    minKeys: 80,
    minUsed: 60,
  });
});
