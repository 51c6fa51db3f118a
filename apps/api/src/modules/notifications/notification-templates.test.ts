import { describe, expect, it } from 'vitest';
import { renderEmail, renderMessage } from './notification-templates';

const alarm = {
  id: 'a1',
  tenantId: 't1',
  type: 'LEAK' as const,
  deviceId: 'd1',
  meterId: 'm1',
  subscriptionId: null,
  startedAt: '2026-03-10T20:10:00Z',
  clearedAt: null,
};

describe('notification texts', () => {
  it('renders an alarm in Turkish and English, in the tenant zone', () => {
    const ctx = { tenantName: 'ASKİ', timeZone: 'Europe/Istanbul', subject: 'SN-1' };
    const tr = renderMessage('alarm.opened', alarm, ctx, 'tr');
    expect(tr.title).toBe('Kaçak alarmı: SN-1');
    expect(tr.body).toContain('10.03.2026 23:10:00');
    expect(renderMessage('alarm.opened', alarm, ctx, 'en').title).toBe('Leak alarm: SN-1');
  });

  it('renders billing money from integer kuruş', () => {
    const run = {
      tenantId: 't1',
      runId: 'r1',
      status: 'ISSUED' as const,
      periodStart: '2026-02-01',
      periodEnd: '2026-02-28',
      invoiceCount: 3,
      grossKurus: '123456789',
      userId: null,
    };
    expect(renderMessage('billing.run.finished', run, { tenantName: 'ASKİ', timeZone: 'UTC' }, 'tr').body).toContain('1.234.567,89 TL');
  });

  it("tells a customer of their meter's alarm with advice that names the utility", () => {
    const ctx = { tenantName: 'ASKİ', timeZone: 'Europe/Istanbul', subject: 'SN-1' };
    const tr = renderMessage('alarm.opened', alarm, ctx, 'tr', 'customer');
    expect(tr.title).toBe('Kaçak uyarısı: SN-1 numaralı sayacınız');
    expect(tr.body).toContain('klozet rezervuarını');
    expect(tr.body).toContain('ASKİ ile iletişime geçin');
    expect(renderMessage('alarm.opened', alarm, ctx, 'en', 'customer').body).toContain('call ASKİ');
    // The operator's texts are unchanged.
    expect(renderMessage('alarm.opened', alarm, ctx, 'tr').title).toBe('Kaçak alarmı: SN-1');
  });

  it('renders invoices, payments and reminders for customers (dates as days, money from kuruş)', () => {
    const ctx = { tenantName: 'ASKİ', timeZone: 'Europe/Istanbul' };
    const invoice = renderMessage(
      'invoice.issued',
      {
        tenantId: 't1',
        invoiceId: 'i1',
        number: '2026-000042',
        grossKurus: '123456',
        periodStart: '2026-10-01',
        periodEnd: '2026-11-01',
        dueDate: '2026-11-21',
      },
      ctx,
      'tr',
    );
    expect(invoice).toEqual({
      title: 'Yeni faturanız: 2026-000042',
      body: 'ASKİ, 01.10.2026–01.11.2026 dönemi faturanızı kesti: 1.234,56 TL, son ödeme tarihi 21.11.2026.',
    });
    const paid = { tenantId: 't1', paymentId: 'p1', amountKurus: '5000', receivedAt: '2026-11-02T21:30:00Z' };
    expect(renderMessage('payment.received', { ...paid, balanceKurus: '0' }, ctx, 'en').body).toBe(
      'Your payment of 50,00 TRY on 03.11.2026 was booked by ASKİ.',
    );
    expect(renderMessage('payment.received', { ...paid, balanceKurus: '700' }, ctx, 'tr').body).toContain('Kalan borcunuz 7,00 TL.');
    const overdue = renderMessage(
      'payment.overdue',
      { tenantId: 't1', stepId: 's1', number: '2026-000042', dueDate: '2026-11-21', daysOverdue: 10, outstandingKurus: '123456' },
      ctx,
      'en',
    );
    expect(overdue.title).toBe('Payment reminder: invoice 2026-000042');
    expect(overdue.body).toContain('was due on 21.11.2026 (10 days ago); 1.234,56 TRY is still open');
  });

  it('links a customer to the portal, an operator to the console', () => {
    const base = {
      language: 'tr' as const,
      timeZone: 'UTC',
      items: [{ title: 'x', body: 'y', severity: 'INFO' as const, createdAt: new Date('2026-03-10T10:00:00Z') }],
      digest: false,
      consoleUrl: 'https://example.test/portal/notifications',
      unsubscribeUrl: 'https://example.test/u',
    };
    expect(renderEmail({ ...base, audience: 'customer' }).text).toContain('Portalda aç: https://example.test/portal/notifications');
    expect(renderEmail({ ...base, audience: 'customer' }).text).toContain('müşteri portalındaki');
    expect(renderEmail(base).text).toContain('Konsolda aç');
  });

  it('escapes user data in the HTML part, not in the text part', () => {
    const mail = renderEmail({
      language: 'en',
      timeZone: 'UTC',
      items: [{ title: '<b>x</b>', body: 'a & b', severity: 'CRITICAL', createdAt: new Date('2026-03-10T10:00:00Z') }],
      digest: false,
      consoleUrl: 'https://example.test/notifications',
      unsubscribeUrl: 'https://example.test/api/notifications/unsubscribe?token=abc',
    });
    expect(mail.subject).toBe('<b>x</b>');
    expect(mail.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(mail.html).toContain('a &amp; b');
    expect(mail.html).not.toContain('<b>x</b>');
    expect(mail.text).toContain('<b>x</b>');
    expect(mail.text).toContain('unsubscribe?token=abc');
  });
});
