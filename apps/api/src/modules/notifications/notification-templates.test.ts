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
