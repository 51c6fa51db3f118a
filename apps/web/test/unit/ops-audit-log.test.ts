import { describe, expect, it } from 'vitest';
import { AUDIT_LIST, auditExportHref, auditListQuery, changedKeys } from '~/lib/audit-log';
import { readListQuery } from '~/lib/list-query';

describe('audit log filters', () => {
  it('sends only the filters the API knows, and the page', () => {
    expect(auditListQuery({ tenantId: 't', action: 'update', entityType: ' ' }, 2, 30)).toEqual({
      tenantId: 't',
      action: 'update',
      page: 2,
      pageSize: 30,
    });
  });

  it('reads the filters back from the URL, ignoring what is not a filter', () => {
    const state = readListQuery(
      { userId: 'u', entityType: 'message_scenario', from: '2026-12-01T00:00:00.000Z', sort: 'name', q: 'x' },
      AUDIT_LIST,
    );
    expect(state.filters).toEqual({ userId: 'u', entityType: 'message_scenario', from: '2026-12-01T00:00:00.000Z' });
    expect(auditListQuery(state.filters, state.page, 30)).not.toHaveProperty('sort');
  });

  it('exports with exactly the same filters, through the console proxy', () => {
    expect(auditExportHref({})).toBe('/api/audit-log/export.csv');
    expect(auditExportHref({ entityType: 'integration', from: '2026-12-01T00:00:00.000Z', action: 'create' })).toBe(
      '/api/audit-log/export.csv?entityType=integration&action=create&from=2026-12-01T00%3A00%3A00.000Z',
    );
  });

  it('names the keys an entry changed: all of a created or deleted record, the differing ones of an update', () => {
    expect(changedKeys(null, { name: 'a', kind: 'TTN' })).toEqual(['kind', 'name']);
    expect(changedKeys({ name: 'a' }, null)).toEqual(['name']);
    expect(changedKeys({ name: 'a', isActive: true, kind: 'TTN' }, { isActive: false, name: 'a' })).toEqual(['isActive']);
    expect(changedKeys({ decoderSource: 'x', version: 1 }, { decoderSource: 'y' })).toEqual(['decoderSource']);
    expect(changedKeys(null, null)).toEqual([]);
  });
});
