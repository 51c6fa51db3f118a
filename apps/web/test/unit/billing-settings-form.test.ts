import { describe, expect, it } from 'vitest';
import { settingsPayload, settingsValuesFrom, validateSettings } from '~/lib/billing-settings-form';

const stored = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  source: 'DEFAULT' as const,
  sourceTenantId: null,
  noReadingPolicy: 'ESTIMATE' as const,
  paymentTermDays: 15,
  scheduledRunDay: null,
  reminderDays: [3, 10],
  disconnectionAfterDays: 30,
  invoiceLanguage: 'tr' as const,
};

describe('billing settings form', () => {
  it('shows stored settings as text and sends them back unchanged', () => {
    const values = settingsValuesFrom(stored);
    expect(values).toMatchObject({ paymentTermDays: '15', scheduledRunDay: '', reminderDays: '3, 10' });
    expect(validateSettings(values)).toEqual({});
    const { tenantId: _t, source: _s, sourceTenantId: _i, ...body } = stored;
    expect(settingsPayload(values)).toEqual(body);
  });

  it('reads reminder days in any order and spacing, once each, and checks the ranges', () => {
    const values = { ...settingsValuesFrom(stored), reminderDays: '10;3  3,30', scheduledRunDay: '5' };
    expect(settingsPayload(values)).toMatchObject({ reminderDays: [3, 10, 30], scheduledRunDay: 5 });
    const keys = (v: Parameters<typeof validateSettings>[0]) =>
      Object.fromEntries(Object.entries(validateSettings(v)).map(([k, i]) => [k, i.key]));
    expect(keys({ ...values, paymentTermDays: '', scheduledRunDay: '29', reminderDays: '0, 4', disconnectionAfterDays: '1,5' })).toEqual({
      paymentTermDays: 'billing.validation.required',
      scheduledRunDay: 'billing.validation.between',
      reminderDays: 'billing.validation.reminderDays',
      disconnectionAfterDays: 'billing.validation.between',
    });
  });
});
