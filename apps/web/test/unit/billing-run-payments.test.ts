import { describe, expect, it } from 'vitest';
import type { RunLike } from '~/lib/billing-run';
import { billingExportHref, cashDeskPayload, refundPayload, validateCashDesk, validateRefund } from '~/lib/billing-payment-form';
import {
  applyRunProgress,
  canIssueRun,
  canRerun,
  isRunActive,
  runProgressPercent,
  validateCancel,
  validateStartRun,
} from '~/lib/billing-run';

const run: RunLike = {
  id: 'r1',
  status: 'RUNNING',
  subscriptionsTotal: 200,
  subscriptionsDone: 50,
  invoiceCount: 0,
  issuedCount: 0,
  grossKurus: 0,
};

describe('billing runs in the console', () => {
  it('says what a run may do in each status', () => {
    expect(['QUEUED', 'RUNNING', 'ISSUING'].every((s) => isRunActive(s as never))).toBe(true);
    expect(['DRAFT', 'ISSUED', 'FAILED'].some((s) => isRunActive(s as never))).toBe(false);
    expect(canIssueRun('DRAFT')).toBe(true);
    expect(canIssueRun('FAILED')).toBe(false);
    expect(canRerun('FAILED') && canRerun('DRAFT')).toBe(true);
    expect(canRerun('ISSUED')).toBe(false);
  });

  it('measures the step in hand: subscriptions priced, then invoices issued', () => {
    expect(runProgressPercent(run)).toBe(25);
    expect(runProgressPercent({ ...run, subscriptionsTotal: 0 })).toBe(0);
    expect(runProgressPercent({ ...run, status: 'ISSUING', invoiceCount: 180, issuedCount: 60 })).toBe(33);
    expect(runProgressPercent({ ...run, status: 'DRAFT' })).toBe(100);
  });

  it('applies the live progress of its own run only', () => {
    const event = {
      runId: 'r1',
      status: 'DRAFT' as const,
      subscriptionsTotal: 200,
      subscriptionsDone: 200,
      invoiceCount: 198,
      issuedCount: 0,
      grossKurus: 123456,
    };
    expect(applyRunProgress(run, event)).toMatchObject({ status: 'DRAFT', subscriptionsDone: 200, invoiceCount: 198, grossKurus: 123456 });
    expect(applyRunProgress(run, { ...event, runId: 'other' })).toBe(run);
  });

  it('checks the start form and a cancellation reason', () => {
    expect(Object.keys(validateStartRun({ tenantId: '', period: '2026-13' }))).toEqual(['tenantId', 'period']);
    expect(validateStartRun({ tenantId: 't', period: '2026-11' })).toEqual({});
    expect(validateCancel({ reason: '  ', reissue: true }).reason?.key).toBe('billing.validation.required');
    expect(validateCancel({ reason: 'x'.repeat(501), reissue: false }).reason?.key).toBe('billing.validation.maxLength');
    expect(validateCancel({ reason: 'Yanlış endeks', reissue: true })).toEqual({});
  });
});

describe('cash desk and refunds', () => {
  const values = { subscriptionId: 's1', amount: '1.234,56', receiptNo: ' V-0042 ', receivedAt: '04.12.2026 14:30:00', note: '' };

  it('sends the amount in kuruş and the moment in UTC (typed in Istanbul time)', () => {
    expect(validateCashDesk(values)).toEqual({});
    expect(cashDeskPayload(values)).toEqual({
      subscriptionId: 's1',
      amountKurus: 123456,
      receiptNo: 'V-0042',
      receivedAt: '2026-12-04T11:30:00.000Z',
      method: 'CASH_DESK',
    });
  });

  it('refuses a missing subscription, a zero or malformed amount, a bad moment', () => {
    const issues = validateCashDesk({ subscriptionId: null, amount: '0', receiptNo: '', receivedAt: '31.02.2026 10:00:00', note: '' });
    expect(Object.fromEntries(Object.entries(issues).map(([k, v]) => [k, v.key]))).toEqual({
      subscriptionId: 'billing.validation.choose',
      amountKurus: 'billing.validation.positive',
      receiptNo: 'billing.validation.required',
      receivedAt: 'billing.validation.dateTime',
    });
    expect(validateCashDesk({ ...values, amount: '12,345' }).amountKurus?.key).toBe('billing.validation.money');
  });

  it('refunds at most what the payment has left', () => {
    expect(validateRefund({ amount: '10', reason: 'Fazla ödeme' }, 1000)).toEqual({});
    expect(validateRefund({ amount: '10,01', reason: 'Fazla ödeme' }, 1000).amountKurus?.key).toBe('billing.validation.refundTooLarge');
    expect(validateRefund({ amount: '5', reason: '' }, 1000).reason?.key).toBe('billing.validation.required');
    expect(refundPayload({ amount: '7,5', reason: ' Fazla ' })).toEqual({ amountKurus: 750, reason: 'Fazla' });
  });

  it('builds export links with the list filters, the format and the language, without paging', () => {
    expect(
      billingExportHref(
        '/api/billing-reports/aging/export',
        { tenantId: 't1', asOf: '2026-12-01', page: 2, pageSize: 50, x: '' },
        'xlsx',
        'en',
      ),
    ).toBe('/api/billing-reports/aging/export?tenantId=t1&asOf=2026-12-01&format=xlsx&locale=en');
    expect(billingExportHref('/api/customers/c1/statement/export', {}, 'csv', 'tr')).toBe(
      '/api/customers/c1/statement/export?format=csv&locale=tr',
    );
  });
});
