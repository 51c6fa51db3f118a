import { describe, expect, it } from 'vitest';
import {
  applyProgress,
  canConfirm,
  fileProblem,
  IMPORT_PERMISSION,
  importKindsFor,
  importQuery,
  importStep,
  previewCsv,
  progressOf,
  splitCsvLine,
  type ImportJobLike,
  type ImportProgressLike,
} from '~/lib/import-wizard';
import { allows, deniedRight } from '~/lib/page-permission';
import { consumptionExport, exportHref } from '~/lib/list-export';
import {
  fieldsByGroup,
  inheritField,
  setFieldValue,
  settingsFormFrom,
  settingsPayload,
  validateSettings,
} from '~/lib/meter-data-settings-form';
import {
  emptyReadingEdit,
  MAX_PHOTO_BYTES,
  photoFromDataUrl,
  readingEditFrom,
  readingEditPayload,
  validateReadingEdit,
} from '~/lib/reading-edit-form';
import { estimatedFractions, qualityShares, ruleLabelKey, sumCounts } from '~/lib/reading-quality';
import { emptyRevalidate, revalidatePayload, validateRevalidate } from '~/lib/revalidate-form';

const ZONE = 'Europe/Istanbul';

describe('reading quality', () => {
  it('shares add up to one, and are zero without readings', () => {
    expect(qualityShares({ valid: 6, suspect: 2, estimated: 1, edited: 1 })).toEqual({
      valid: 0.6,
      suspect: 0.2,
      estimated: 0.1,
      edited: 0.1,
    });
    expect(qualityShares({ valid: 0, suspect: 0, estimated: 0, edited: 0 })).toEqual({ valid: 0, suspect: 0, estimated: 0, edited: 0 });
  });

  it('adds days up', () => {
    expect(
      sumCounts([
        { valid: 1, suspect: 2, estimated: 3, edited: 4 },
        { valid: 10, suspect: 0, estimated: 1, edited: 0 },
      ]),
    ).toEqual({ valid: 11, suspect: 2, estimated: 4, edited: 4 });
  });

  it('gives the estimated part of each bucket, capped at the whole bucket', () => {
    expect(estimatedFractions([2, 4, 0, 1], [1, 0, 0.5, 3])).toEqual([0.5, 0, 0, 1]);
    expect(estimatedFractions([2], null)).toEqual([0]);
  });

  it('names known rules with a static key and leaves unknown ones alone', () => {
    expect(ruleLabelKey('backward-index')).toBe('meterData.rules.backwardIndex');
    expect(ruleLabelKey('something-new')).toBeNull();
    expect(ruleLabelKey(null)).toBeNull();
  });
});

describe('list exports', () => {
  it('keeps the filters, drops the paging and empty values, and adds format and locale', () => {
    const href = exportHref(
      'meters',
      { page: 3, pageSize: 30, sort: 'serialNo', status: 'ACTIVE', search: 'Ağ 1', brandId: '', tenantId: 't' },
      'xlsx',
      'en',
    );
    const url = new URL(href, 'http://x');
    expect(url.pathname).toBe('/api/exports/meters');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      sort: 'serialNo',
      status: 'ACTIVE',
      search: 'Ağ 1',
      tenantId: 't',
      format: 'xlsx',
      locale: 'en',
    });
    expect(new URL(exportHref('readings', { until: 'x' }, 'csv', 'de'), 'http://x').searchParams.get('locale')).toBe('tr');
  });

  it('repeats a filter given several values, and exports a consumption table under its owner', () => {
    expect(exportHref('alarms', { state: ['open', 'acknowledged'] }, 'csv', 'tr')).toBe(
      '/api/exports/alarms?state=open&state=acknowledged&format=csv&locale=tr',
    );
    const href = exportHref(
      consumptionExport('meters', 'm-1'),
      { interval: 'day', from: 'a', to: 'b', timeZone: 'Europe/Istanbul' },
      'xlsx',
      'tr',
    );
    expect(href).toBe('/api/exports/consumption/meters/m-1?interval=day&from=a&to=b&timeZone=Europe%2FIstanbul&format=xlsx&locale=tr');
  });
});

describe('reading edit form', () => {
  const now = new Date('2026-12-05T09:00:00Z');

  it('starts a manual reading at now in the meter zone, and a correction from the stored reading', () => {
    expect(emptyReadingEdit(now, ZONE)).toEqual({ time: '05.12.2026 12:00:00', index: '', reason: '', photo: null });
    expect(readingEditFrom({ time: '2026-12-01T21:00:00Z', indexM3: 12.5 }, ZONE)).toMatchObject({
      time: '02.12.2026 00:00:00',
      index: '12.5',
    });
  });

  it('requires a reason, a valid index and, for a manual reading, a time not in the future', () => {
    const v = { time: '', index: '', reason: ' ', photo: null };
    expect(validateReadingEdit(v, 'enter', ZONE, now)).toEqual({
      time: 'meterData.edit.errors.timeRequired',
      index: 'meterData.edit.errors.indexRequired',
      reason: 'meterData.edit.errors.reasonRequired',
    });
    expect(validateReadingEdit({ ...v, time: '06.12.2026 12:00:00', index: '1,2345', reason: 'ok' }, 'enter', ZONE, now)).toEqual({
      time: 'meterData.edit.errors.timeFuture',
      index: 'meterData.edit.errors.indexDecimals',
      reason: 'meterData.edit.errors.reasonShort',
    });
    expect(validateReadingEdit({ ...v, time: 'nonsense', index: '-1', reason: 'x'.repeat(501) }, 'enter', ZONE, now)).toEqual({
      time: 'meterData.edit.errors.timeFormat',
      index: 'meterData.edit.errors.indexRange',
      reason: 'meterData.edit.errors.reasonLong',
    });
    // A correction keeps its time: only the index and the reason are checked.
    expect(validateReadingEdit({ ...v, index: '12,345', reason: 'register read wrong' }, 'correct', ZONE, now)).toEqual({});
  });

  it('checks the photo type and size', () => {
    const base = { time: '05.12.2026 10:00:00', index: '1', reason: 'site visit' };
    const photo = { name: 'a.gif', size: 10, contentType: 'image/gif', dataBase64: 'AA==' };
    expect(validateReadingEdit({ ...base, photo }, 'enter', ZONE, now).photo).toBe('meterData.edit.errors.photoType');
    expect(
      validateReadingEdit({ ...base, photo: { ...photo, contentType: 'image/png', size: MAX_PHOTO_BYTES + 1 } }, 'enter', ZONE, now).photo,
    ).toBe('meterData.edit.errors.photoSize');
    expect(photoFromDataUrl('data:image/png;base64,iVBORw0=', 'p.png', 5)).toEqual({
      name: 'p.png',
      size: 5,
      contentType: 'image/png',
      dataBase64: 'iVBORw0=',
    });
    expect(photoFromDataUrl('not a data url', 'p.png', 5)).toBeNull();
  });

  it('builds the API bodies', () => {
    const values = {
      time: '05.12.2026 10:00:00',
      index: '1234,5',
      reason: '  site visit ',
      photo: { name: 'p.jpg', size: 3, contentType: 'image/jpeg', dataBase64: 'AAA=' },
    };
    expect(readingEditPayload(values, 'enter', ZONE)).toEqual({
      time: '2026-12-05T07:00:00.000Z',
      indexM3: 1234.5,
      reason: 'site visit',
      photo: { contentType: 'image/jpeg', dataBase64: 'AAA=' },
    });
    expect(readingEditPayload({ ...values, photo: null }, 'correct', ZONE)).toEqual({ indexM3: 1234.5, reason: 'site visit' });
  });
});

describe('import wizard', () => {
  const job = (o: Partial<ImportJobLike> = {}): ImportJobLike => ({
    id: 'j1',
    dryRun: true,
    status: 'QUEUED',
    totalRows: 0,
    createdRows: 0,
    unchangedRows: 0,
    failedRows: 0,
    message: null,
    ...o,
  });
  const event = (o: Partial<ImportProgressLike> = {}): ImportProgressLike => ({
    jobId: 'j1',
    status: 'RUNNING',
    phase: 'check',
    doneRows: 50,
    totalRows: 200,
    createdRows: 40,
    unchangedRows: 5,
    failedRows: 5,
    message: null,
    ...o,
  });

  it('follows a job through the steps', () => {
    expect(importStep(null)).toBe('upload');
    expect(importStep(job())).toBe('check');
    expect(importStep(job({ status: 'DONE', totalRows: 3 }))).toBe('confirm');
    expect(importStep(job({ status: 'DONE', totalRows: 3, failedRows: 1 }))).toBe('report');
    expect(importStep(job({ status: 'DONE', totalRows: 0 }))).toBe('report');
    expect(importStep(job({ status: 'FAILED' }))).toBe('report');
    expect(importStep(job({ dryRun: false, status: 'RUNNING' }))).toBe('write');
    expect(importStep(job({ dryRun: false, status: 'DONE' }))).toBe('report');
    expect(canConfirm(job({ status: 'DONE', totalRows: 3 }))).toBe(true);
    expect(canConfirm(job({ dryRun: false, status: 'DONE', totalRows: 3 }))).toBe(false);
  });

  it('takes live counters of its own job only, and never after the end', () => {
    expect(applyProgress(job(), event())).toMatchObject({ status: 'RUNNING', totalRows: 200, createdRows: 40, failedRows: 5 });
    expect(applyProgress(job(), event({ jobId: 'other' }))).toEqual(job());
    const done = job({ status: 'DONE', totalRows: 3 });
    expect(applyProgress(done, event())).toBe(done);
  });

  it('draws the progress of the running phase, and a full bar once finished', () => {
    expect(progressOf(job({ status: 'RUNNING' }), null)).toEqual({ done: 0, total: 0, failed: 0, percent: null });
    expect(progressOf(job({ status: 'RUNNING' }), event())).toEqual({ done: 50, total: 200, failed: 5, percent: 25 });
    expect(progressOf(job({ status: 'DONE', totalRows: 7, failedRows: 2 }), null)).toEqual({ done: 7, total: 7, failed: 2, percent: 100 });
    expect(progressOf(job({ status: 'FAILED' }), null).percent).toBe(100);
  });

  it('offers the kinds the user may import, with the rights the API asks', () => {
    const grants =
      (...rights: string[]) =>
      (module: string, action: string) =>
        rights.includes(`${module}:${action}`);
    expect(importKindsFor(grants('METERS:update', 'SUBSCRIPTIONS:create', 'CUSTOMERS:create'))).toEqual(['READINGS', 'CUSTOMERS']);
    // Customers and subscriptions need both creates, as the API asks.
    expect(importKindsFor(grants('SUBSCRIPTIONS:create'))).toEqual([]);
    expect(importKindsFor(grants('DEVICES:create'))).toEqual(['DEVICES']);
    expect(importKindsFor(grants('METERS:create', 'METERS:update', 'SUBSCRIPTIONS:create', 'CUSTOMERS:create', 'DEVICES:create'))).toEqual([
      'READINGS',
      'METERS',
      'CUSTOMERS',
      'DEVICES',
    ]);
    expect(importKindsFor(() => false)).toEqual([]);
  });

  it('opens the wizard for a user who may import any kind', () => {
    const grants =
      (...rights: string[]) =>
      (module: string, action: string) =>
        rights.includes(`${module}:${action}`);
    expect(allows(IMPORT_PERMISSION, grants('DEVICES:create'))).toBe(true);
    expect(allows(IMPORT_PERMISSION, grants('SUBSCRIPTIONS:create', 'CUSTOMERS:create'))).toBe(true);
    expect(allows(IMPORT_PERMISSION, grants('SUBSCRIPTIONS:create'))).toBe(false);
    expect(allows(IMPORT_PERMISSION, grants('METERS:read', 'DEVICES:read'))).toBe(false);
    expect(deniedRight(IMPORT_PERMISSION, grants('METERS:read'))).toEqual({ module: 'METERS', action: 'update' });
    expect(allows({ module: 'METERS', action: 'read' }, grants('METERS:read'))).toBe(true);
    expect(deniedRight({ module: 'DEVICES', action: 'read' }, grants())).toEqual({ module: 'DEVICES', action: 'read' });
    // A reader refused a form is told the action they lack, not "view".
    expect(
      deniedRight(
        {
          anyOf: [
            [
              { module: 'SUBSCRIPTIONS', action: 'read' },
              { module: 'SUBSCRIPTIONS', action: 'create' },
            ],
          ],
        },
        grants('SUBSCRIPTIONS:read'),
      ),
    ).toEqual({
      module: 'SUBSCRIPTIONS',
      action: 'create',
    });
  });

  it('asks the API to detect what was left out', () => {
    expect(importQuery({ tenantId: 't', dryRun: true, encoding: '', delimiter: '' })).toEqual({ tenantId: 't', dryRun: 'true' });
    expect(importQuery({ tenantId: null, dryRun: false, encoding: 'windows-1254', delimiter: 'tab' })).toEqual({
      dryRun: 'false',
      encoding: 'windows-1254',
      delimiter: 'tab',
    });
  });

  it('refuses files it cannot import before sending them', () => {
    expect(fileProblem(null, 10)).toBe('imports.errors.noFile');
    expect(fileProblem({ name: 'a.pdf', size: 1 }, 10)).toBe('imports.errors.fileType');
    expect(fileProblem({ name: 'a.csv', size: 0 }, 10)).toBe('imports.errors.fileEmpty');
    expect(fileProblem({ name: 'a.XLSX', size: 11 }, 10)).toBe('imports.errors.fileTooLarge');
    expect(fileProblem({ name: 'a.csv', size: 10 }, 10)).toBeNull();
  });

  it('previews the first rows with the delimiter the header has most of, quotes honoured', () => {
    const text = '\uFEFFmeter_serial;time;index\r\nA-1;"01.12.2026 10:00";"12,5"\r\n\r\nA-2;01.12.2026 11:00;"say ""hi"""\n';
    expect(previewCsv(text)).toEqual({
      delimiter: ';',
      rows: [
        ['meter_serial', 'time', 'index'],
        ['A-1', '01.12.2026 10:00', '12,5'],
        ['A-2', '01.12.2026 11:00', 'say "hi"'],
      ],
    });
    expect(previewCsv('a,b\n1,2\n3,4\n5,6', 2).rows).toHaveLength(3);
    expect(splitCsvLine('a\tb\t', '\t')).toEqual(['a', 'b', '']);
  });
});

describe('rule settings form', () => {
  const effective = {
    spike: { enabled: true, factor: 10, minimumM3: 0.5 },
    stuck: { enabled: true, days: 7 },
  };

  it('lists every parameter in force, marking those the row sets', () => {
    const form = settingsFormFrom(effective, { spike: { factor: 10 } });
    expect(form.fields.map((f) => [`${f.group}.${f.key}`, f.kind, f.value, f.overridden])).toEqual([
      ['spike.enabled', 'boolean', true, false],
      ['spike.factor', 'number', '10', true],
      ['spike.minimumM3', 'number', '0.5', false],
      ['stuck.enabled', 'boolean', true, false],
      ['stuck.days', 'number', '7', false],
    ]);
    expect(fieldsByGroup(form).map((g) => [g.group, g.fields.length])).toEqual([
      ['spike', 3],
      ['stuck', 2],
    ]);
  });

  it('sends only what the row sets; a parameter given back to the parent leaves it', () => {
    const form = settingsFormFrom(effective, { spike: { factor: 10 } });
    setFieldValue(form.fields[4]!, '3');
    setFieldValue(form.fields[3]!, false);
    expect(settingsPayload(form)).toEqual({ spike: { factor: 10 }, stuck: { enabled: false, days: 3 } });
    inheritField(form.fields[1]!);
    expect(form.fields[1]!.value).toBe('10');
    expect(settingsPayload(form)).toEqual({ stuck: { enabled: false, days: 3 } });
    inheritField(form.fields[3]!);
    inheritField(form.fields[4]!);
    expect(settingsPayload(form)).toEqual({});
  });

  it('checks the numbers the row sets, with a decimal comma', () => {
    const form = settingsFormFrom(effective, {});
    setFieldValue(form.fields[1]!, '');
    setFieldValue(form.fields[2]!, 'abc');
    setFieldValue(form.fields[4]!, '-2');
    expect(validateSettings(form)).toEqual({
      'spike.factor': 'meterData.settings.errors.required',
      'spike.minimumM3': 'meterData.settings.errors.number',
      'stuck.days': 'meterData.settings.errors.negative',
    });
    setFieldValue(form.fields[1]!, '2,5');
    setFieldValue(form.fields[2]!, '1');
    setFieldValue(form.fields[4]!, '2');
    expect(validateSettings(form)).toEqual({});
    expect(settingsPayload(form).spike).toEqual({ factor: 2.5, minimumM3: 1 });
  });
});

describe('revalidation form', () => {
  it('starts with the last week, checks the days and sends whole days in the meter zone', () => {
    const values = emptyRevalidate(new Date('2026-12-05T09:00:00Z'), ZONE);
    expect(values).toEqual({ from: '29.11.2026', to: '05.12.2026', estimate: false });
    expect(validateRevalidate(values, ZONE)).toEqual({});
    expect(revalidatePayload({ ...values, estimate: true }, ZONE)).toEqual({
      from: '2026-11-28T21:00:00.000Z',
      to: '2026-12-05T21:00:00.000Z',
      estimate: true,
    });
    expect(validateRevalidate({ from: '32.11.2026', to: 'x', estimate: false }, ZONE)).toEqual({
      from: 'meterData.revalidate.errors.date',
      to: 'meterData.revalidate.errors.date',
    });
    expect(validateRevalidate({ from: '05.12.2026', to: '04.12.2026', estimate: false }, ZONE).to).toBe(
      'meterData.revalidate.errors.order',
    );
    expect(validateRevalidate({ from: '01.01.2025', to: '02.01.2026', estimate: false }, ZONE).to).toBe(
      'meterData.revalidate.errors.tooLong',
    );
    expect(validateRevalidate({ from: '01.01.2025', to: '01.01.2026', estimate: false }, ZONE)).toEqual({});
  });
});
