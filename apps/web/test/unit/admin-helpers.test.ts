import { describe, expect, it, vi } from 'vitest';
import { reactive } from 'vue';
import { fieldMappingText, lineCount, normalizeHex, parseFieldMapping, payloadBody, payloadIssue } from '~/lib/decoder-payload';
import { createConfirmAction, errorFor, errorIndex, failureKind, failureMessage, fieldErrorsFrom } from '~/lib/form-errors';
import { bindListQuery, listApiQuery, readListQuery, toggleSort, writeListQuery } from '~/lib/list-query';
import { numberText, parseDecimal, parseInteger } from '~/lib/number-input';
import { identifierRegexIssue } from '~/lib/technology-field';

const spec = { sorts: ['name', 'createdAt'] as const, defaultSort: 'name' as const, filters: ['tenantId'] as const };

describe('list query in the URL', () => {
  it('reads paging, search, sort and filters, falling back to defaults for anything invalid', () => {
    expect(readListQuery({}, spec)).toEqual({ page: 1, pageSize: 30, search: '', sort: 'name', order: 'asc', filters: {} });
    expect(readListQuery({ page: '3', q: ' aski ', sort: 'createdAt', order: 'desc', tenantId: 't1' }, spec)).toEqual({
      page: 3,
      pageSize: 30,
      search: 'aski',
      sort: 'createdAt',
      order: 'desc',
      filters: { tenantId: 't1' },
    });
    expect(readListQuery({ page: '-1', sort: 'password', order: 'sideways' }, spec)).toMatchObject({ page: 1, sort: 'name', order: 'asc' });
  });

  it('writes only what differs from the defaults and maps to the API parameters', () => {
    const state = readListQuery({ page: '2', q: 'x', tenantId: 't1' }, spec);
    expect(writeListQuery(state, spec)).toEqual({ page: '2', q: 'x', tenantId: 't1' });
    expect(listApiQuery(state)).toEqual({ page: 2, pageSize: 30, sort: 'name', order: 'asc', search: 'x', tenantId: 't1' });
  });

  it('sorts a new column ascending, flips the same one, and goes back to the first page', () => {
    const state = readListQuery({ page: '4' }, spec);
    expect(toggleSort(state, 'createdAt')).toMatchObject({ sort: 'createdAt', order: 'asc', page: 1 });
    expect(toggleSort(state, 'name')).toMatchObject({ sort: 'name', order: 'desc', page: 1 });
  });

  it("replaces the route query, keeping parameters that are not the list's", async () => {
    // useRoute() is reactive; so is this stand-in.
    const route = reactive({ query: { tab: 'device', page: '3' } as Record<string, string> });
    const router = {
      replace: vi.fn(async (to: { query: Record<string, unknown> }) => void (route.query = to.query as Record<string, string>)),
    };
    const list = bindListQuery(route, router, spec);
    await list.setSearch(' ima ');
    expect(router.replace).toHaveBeenLastCalledWith({ query: { tab: 'device', q: 'ima' } });
    await list.setFilter('tenantId', 't9');
    expect(route.query).toEqual({ tab: 'device', q: 'ima', tenantId: 't9' });
    expect(list.directionOf('name')).toBe('asc');
    expect(list.directionOf('createdAt')).toBeNull();
  });
});

describe('API field errors', () => {
  const body = {
    statusCode: 400,
    error: 'Bad Request',
    message: 'meter profile not available to the parent tenant',
    details: [
      { path: ['allowedMeterProfileIds', 2], message: 'not usable by the parent tenant' },
      { path: 'address.postalCode', message: 'must be 5 digits' },
    ],
  };

  it('keys messages by dotted path and finds them for a field or an item inside it', () => {
    const errors = fieldErrorsFrom(body);
    expect(errors).toEqual({ 'allowedMeterProfileIds.2': 'not usable by the parent tenant', 'address.postalCode': 'must be 5 digits' });
    expect(errorFor(errors, 'allowedMeterProfileIds')).toBe('not usable by the parent tenant');
    expect(errorFor(errors, 'address.postalCode')).toBe('must be 5 digits');
    expect(errorFor(errors, 'name')).toBeUndefined();
    expect(errorIndex(errors, 'allowedMeterProfileIds')).toBe(2);
    expect(errorIndex(errors, 'name')).toBeNull();
  });

  it('prefers the API message where it explains the case, else the translated text of the kind', () => {
    const texts = { unavailable: 'U', forbidden: 'F', notFound: 'N', conflict: 'C', invalid: 'I', other: 'O' };
    expect(failureKind({ status: 0, body: null, retryAfterSeconds: null })).toBe('unavailable');
    expect(
      failureMessage({ status: 409, body: { ...body, statusCode: 409, message: '3 meters still use it' }, retryAfterSeconds: null }, texts),
    ).toBe('3 meters still use it');
    expect(failureMessage({ status: 403, body: { ...body, message: 'forbidden' }, retryAfterSeconds: null }, texts)).toBe('F');
    expect(failureMessage({ status: 502, body: null, retryAfterSeconds: null }, texts)).toBe('U');
    expect(failureMessage(null, texts)).toBeNull();
  });

  it('keeps a confirmation open with the refusal, and closes it when the action succeeds', async () => {
    const done = vi.fn();
    const action = vi
      .fn()
      .mockRejectedValueOnce({ statusCode: 409, data: { statusCode: 409, error: 'Conflict', message: 'in use' } })
      .mockResolvedValueOnce(undefined);
    const confirm = createConfirmAction(action, done);
    confirm.ask('brand-1');
    expect(confirm.open.value).toBe(true);
    await confirm.confirm();
    expect(confirm.open.value).toBe(true);
    expect(confirm.failure.value?.body?.message).toBe('in use');
    await confirm.confirm();
    expect(confirm.open.value).toBe(false);
    expect(done).toHaveBeenCalledWith('brand-1');
  });
});

describe('decoder test panel and field mapping', () => {
  it('accepts hex as people paste it', () => {
    expect(normalizeHex('68 0C 01:FF 0x16')).toBe('680c01ff16');
    expect(payloadIssue('hex', '68 0C 01')).toBeNull();
    expect(payloadIssue('hex', '680')).toBe('hex');
    expect(payloadIssue('hex', '  ')).toBe('empty');
    expect(payloadIssue('base64', 'aAwB')).toBeNull();
    expect(payloadIssue('base64', 'a*wB')).toBe('base64');
    expect(payloadIssue('hex', 'ab'.repeat(1025))).toBe('tooLong');
  });

  it('sends exactly one payload field with the unsaved decoder', () => {
    expect(payloadBody('hex', '68 0c', 2, 'function decodeUplink(){}')).toEqual({
      payloadHex: '680c',
      fPort: 2,
      decoderSource: 'function decodeUplink(){}',
    });
    expect(payloadBody('base64', ' aAw= ', null, 'x')).toEqual({ payloadBase64: 'aAw=', fPort: null, decoderSource: 'x' });
  });

  it('reads the field mapping as a JSON object of non-empty strings', () => {
    expect(parseFieldMapping('')).toEqual({ ok: true, value: {} });
    expect(parseFieldMapping('{"vol": " indexM3 "}')).toEqual({ ok: true, value: { vol: 'indexM3' } });
    expect(parseFieldMapping('{vol}')).toEqual({ ok: false, issue: 'json' });
    expect(parseFieldMapping('[1]')).toEqual({ ok: false, issue: 'object' });
    expect(parseFieldMapping('{"vol": ""}')).toEqual({ ok: false, issue: 'entry', key: 'vol' });
    expect(fieldMappingText({ vol: 'indexM3' })).toBe('{\n  "vol": "indexM3"\n}');
    expect(lineCount('a\nb\n')).toBe(3);
  });

  it('wants anchored, compilable identifier patterns', () => {
    expect(identifierRegexIssue('^[a-f0-9]{16}$')).toBeNull();
    expect(identifierRegexIssue('[a-f0-9]{16}')).toBe('anchors');
    expect(identifierRegexIssue('^abc\\$')).toBe('anchors');
    expect(identifierRegexIssue('^(abc$')).toBe('invalid');
  });
});

describe('number inputs', () => {
  it('reads decimal commas and points, empty as null, anything else as NaN', () => {
    expect(parseDecimal('2,5')).toBe(2.5);
    expect(parseDecimal(' 0.0156 ')).toBe(0.0156);
    expect(parseDecimal('')).toBeNull();
    expect(parseDecimal('1e3')).toBeNaN();
    expect(parseInteger('15')).toBe(15);
    expect(parseInteger('15.5')).toBeNaN();
    expect(numberText(null)).toBe('');
    expect(numberText(0)).toBe('0');
  });
});
