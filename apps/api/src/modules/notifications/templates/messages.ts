import type { NotificationEventType } from '../notifications.events';

export type Language = 'tr' | 'en';

/**
 * Title and body of each event per language, as Handlebars templates over the event's view (see
 * `viewOf` in notification-templates.ts). They render plain text: the HTML e-mail escapes them again.
 */
export const MESSAGES: Record<NotificationEventType, Record<Language, { title: string; body: string }>> = {
  'alarm.opened': {
    tr: {
      title: '{{alarmLabel}} alarmı: {{subject}}',
      body: '{{tenantName}} kurumunda {{subject}} için {{alarmLabel}} alarmı {{startedAt}} saatinde açıldı.{{#if advice}} {{advice}}{{/if}}',
    },
    en: {
      title: '{{alarmLabel}} alarm: {{subject}}',
      body: 'A {{alarmLabel}} alarm was raised for {{subject}} at {{tenantName}} at {{startedAt}}.{{#if advice}} {{advice}}{{/if}}',
    },
  },
  'alarm.cleared': {
    tr: {
      title: '{{alarmLabel}} alarmı kapandı: {{subject}}',
      body: '{{tenantName}} kurumunda {{subject}} için {{alarmLabel}} alarmı {{clearedAt}} saatinde kapandı.',
    },
    en: {
      title: '{{alarmLabel}} alarm cleared: {{subject}}',
      body: 'The {{alarmLabel}} alarm for {{subject}} at {{tenantName}} cleared at {{clearedAt}}.',
    },
  },
  'import.finished': {
    tr: {
      title: 'İçe aktarma {{#if ok}}tamamlandı{{else}}sorunlu bitti{{/if}} ({{kindLabel}})',
      body: '{{tenantName}}: {{totalRows}} satırdan {{createdRows}} kayıt {{#if dryRun}}(deneme){{/if}} yazıldı, {{failedRows}} satır hatalı.',
    },
    en: {
      title: 'Import {{#if ok}}finished{{else}}finished with problems{{/if}} ({{kindLabel}})',
      body: '{{tenantName}}: {{createdRows}} of {{totalRows}} rows written{{#if dryRun}} (dry run){{/if}}, {{failedRows}} rows failed.',
    },
  },
  'billing.run.finished': {
    tr: {
      title: 'Faturalama dönemi {{periodStart}}–{{periodEnd}}: {{statusLabel}}',
      body: '{{tenantName}}: {{invoiceCount}} fatura, toplam {{gross}} TL ({{statusLabel}}).',
    },
    en: {
      title: 'Billing run {{periodStart}}–{{periodEnd}}: {{statusLabel}}',
      body: '{{tenantName}}: {{invoiceCount}} invoices, {{gross}} TRY in total ({{statusLabel}}).',
    },
  },
};

export const ALARM_LABELS: Record<Language, Record<string, string>> = {
  tr: {
    LEAK: 'Kaçak',
    BURST: 'Boru patlaması',
    HIGH_USAGE: 'Yüksek tüketim',
    TAMPER: 'Müdahale',
    LOW_BATTERY: 'Düşük pil',
    REVERSE_FLOW: 'Ters akış',
    NO_SIGNAL: 'Sinyal yok',
    TILT: 'Eğim',
  },
  en: {
    LEAK: 'Leak',
    BURST: 'Burst',
    HIGH_USAGE: 'High usage',
    TAMPER: 'Tamper',
    LOW_BATTERY: 'Low battery',
    REVERSE_FLOW: 'Reverse flow',
    NO_SIGNAL: 'No signal',
    TILT: 'Tilt',
  },
};

export const ALARM_ADVICE: Record<Language, Partial<Record<string, string>>> = {
  tr: { LEAK: 'Tesisattaki musluk ve rezervuarları kontrol edin.', BURST: 'Ana vanayı kapatıp ekip gönderin.' },
  en: { LEAK: 'Check taps and cisterns on the premises.', BURST: 'Close the main valve and send a crew.' },
};

export const IMPORT_KINDS: Record<Language, Record<string, string>> = {
  tr: { READINGS: 'okumalar', METERS: 'sayaçlar', CUSTOMERS: 'aboneler', DEVICES: 'cihazlar' },
  en: { READINGS: 'readings', METERS: 'meters', CUSTOMERS: 'customers', DEVICES: 'devices' },
};

export const RUN_STATUSES: Record<Language, Record<string, string>> = {
  tr: { DRAFT: 'taslaklar hazır', ISSUED: 'kesildi', FAILED: 'başarısız' },
  en: { DRAFT: 'drafts ready', ISSUED: 'issued', FAILED: 'failed' },
};

/** The e-mail around one or more notifications. */
export const EMAIL_TEXTS: Record<
  Language,
  { open: string; unsubscribe: string; unsubscribeAll: string; digestSubject: string; digestIntro: string; footer: string }
> = {
  tr: {
    open: 'Konsolda aç',
    unsubscribe: 'Bu bildirimi e-postayla almayı durdur',
    unsubscribeAll: 'E-posta bildirimlerini durdur',
    digestSubject: 'Günlük bildirim özeti ({{count}})',
    digestIntro: 'Son özetten bu yana {{count}} bildiriminiz var:',
    footer: 'Bu e-postayı su sayacı okuma platformundaki bildirim tercihleriniz nedeniyle aldınız.',
  },
  en: {
    open: 'Open in the console',
    unsubscribe: 'Stop e-mails of this kind',
    unsubscribeAll: 'Stop notification e-mails',
    digestSubject: 'Daily notification digest ({{count}})',
    digestIntro: 'You have {{count}} notifications since the last digest:',
    footer: 'You receive this e-mail because of your notification preferences on the water meter reading platform.',
  },
};

export const UNSUBSCRIBED_PAGE: Record<Language, { title: string; done: string; invalid: string }> = {
  tr: {
    title: 'Abonelikten çıkıldı',
    done: 'Bu bildirimleri artık e-postayla almayacaksınız.',
    invalid: 'Bağlantı geçersiz ya da süresi dolmuş.',
  },
  en: {
    title: 'Unsubscribed',
    done: 'You will no longer receive these notifications by e-mail.',
    invalid: 'The link is invalid or has expired.',
  },
};
