import type { CustomerEventType, OperatorEventType } from '../notifications.events';

export type Language = 'tr' | 'en';

/**
 * Title and body of each event per language, as Handlebars templates over the event's view (see
 * `viewOf` in notification-templates.ts). They render plain text: the HTML e-mail escapes them again.
 */
export const MESSAGES: Record<OperatorEventType, Record<Language, { title: string; body: string }>> = {
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

/**
 * What a customer reads in the portal and in e-mails: their own meter, their invoice, their payment; an
 * alarm with what to do about it (CUSTOMER_ALARM_ADVICE).
 */
export const CUSTOMER_MESSAGES: Record<CustomerEventType, Record<Language, { title: string; body: string }>> = {
  'alarm.opened': {
    tr: {
      title: '{{alarmLabel}} uyarısı: {{subject}} numaralı sayacınız',
      body: '{{subject}} numaralı sayacınız {{startedAt}} saatinden beri {{alarmLabel}} uyarısı veriyor.{{#if advice}} {{advice}}{{/if}}',
    },
    en: {
      title: '{{alarmLabel}} alert: your meter {{subject}}',
      body: 'Your meter {{subject}} has reported a {{alarmLabel}} alert since {{startedAt}}.{{#if advice}} {{advice}}{{/if}}',
    },
  },
  'alarm.cleared': {
    tr: {
      title: '{{alarmLabel}} uyarısı sona erdi: {{subject}}',
      body: '{{subject}} numaralı sayacınızın {{alarmLabel}} uyarısı {{clearedAt}} saatinde sona erdi.',
    },
    en: {
      title: '{{alarmLabel}} alert over: {{subject}}',
      body: 'The {{alarmLabel}} alert of your meter {{subject}} ended at {{clearedAt}}.',
    },
  },
  'invoice.issued': {
    tr: {
      title: 'Yeni faturanız: {{number}}',
      body: '{{tenantName}}, {{periodStart}}–{{periodEnd}} dönemi faturanızı kesti: {{gross}} TL, son ödeme tarihi {{dueDate}}.',
    },
    en: {
      title: 'Your new invoice: {{number}}',
      body: '{{tenantName}} issued your invoice for {{periodStart}}–{{periodEnd}}: {{gross}} TRY, due on {{dueDate}}.',
    },
  },
  'payment.received': {
    tr: {
      title: 'Ödemeniz alındı: {{amount}} TL',
      body: '{{receivedAt}} tarihli {{amount}} TL ödemeniz {{tenantName}} tarafından kaydedildi.{{#if owes}} Kalan borcunuz {{balance}} TL.{{/if}}',
    },
    en: {
      title: 'Payment received: {{amount}} TRY',
      body: 'Your payment of {{amount}} TRY on {{receivedAt}} was booked by {{tenantName}}.{{#if owes}} You still owe {{balance}} TRY.{{/if}}',
    },
  },
  'payment.overdue': {
    tr: {
      title: 'Ödeme hatırlatması: {{number}} numaralı fatura',
      body: '{{number}} numaralı faturanızın son ödeme tarihi {{dueDate}} idi ({{daysOverdue}} gün geçti); ödenmemiş tutar {{outstanding}} TL. Ödediyseniz bu mesajı dikkate almayın.',
    },
    en: {
      title: 'Payment reminder: invoice {{number}}',
      body: 'Invoice {{number}} was due on {{dueDate}} ({{daysOverdue}} days ago); {{outstanding}} TRY is still open. If you have paid, please ignore this message.',
    },
  },
};

/** What a customer can do about an alarm of their meter ({{tenantName}}: the utility). */
export const CUSTOMER_ALARM_ADVICE: Record<Language, Partial<Record<string, string>>> = {
  tr: {
    LEAK: 'Tüm musluklar kapalıyken sayacın dönüp dönmediğine bakın; muslukları, klozet rezervuarını ve tesisatı kontrol edin. Kaçak bulamazsanız {{tenantName}} ile iletişime geçin.',
    BURST: 'Ana vanayı kapatın ve hemen {{tenantName}} arıza hattını arayın.',
    HIGH_USAGE: 'Tüketiminiz olağandan yüksek: muslukları, klozet rezervuarını ve bahçe sulamasını kontrol edin.',
    REVERSE_FLOW: 'Tesisatınızda geri akış görüldü; lütfen {{tenantName}} ile iletişime geçin.',
    TAMPER: 'Sayaca müdahale algılandı; siz yapmadıysanız {{tenantName}} ile iletişime geçin.',
    LOW_BATTERY: 'Sayacın pili azaldı; değişimini {{tenantName}} planlayacak, sizin bir şey yapmanız gerekmez.',
    NO_SIGNAL: 'Sayacınızdan bir süredir okuma alınamıyor; {{tenantName}} kontrol edecek.',
  },
  en: {
    LEAK: 'With every tap closed, check whether the meter still turns; check the taps, the toilet cistern and the pipes. If you find no leak, call {{tenantName}}.',
    BURST: "Close the main valve and call {{tenantName}}'s fault line at once.",
    HIGH_USAGE: 'Your usage is higher than usual: check the taps, the toilet cistern and garden watering.',
    REVERSE_FLOW: 'Water flowed back in your pipes; please call {{tenantName}}.',
    TAMPER: 'Someone opened the meter; if it was not you, call {{tenantName}}.',
    LOW_BATTERY: "The meter's battery is low; {{tenantName}} will replace it, you need not do anything.",
    NO_SIGNAL: 'Your meter has not sent a reading for a while; {{tenantName}} will check it.',
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
  {
    open: string;
    openPortal: string;
    unsubscribe: string;
    unsubscribeAll: string;
    digestSubject: string;
    digestIntro: string;
    footer: string;
    footerPortal: string;
  }
> = {
  tr: {
    open: 'Konsolda aç',
    openPortal: 'Portalda aç',
    footerPortal: 'Bu e-postayı müşteri portalındaki bildirim tercihleriniz nedeniyle aldınız.',
    unsubscribe: 'Bu bildirimi e-postayla almayı durdur',
    unsubscribeAll: 'E-posta bildirimlerini durdur',
    digestSubject: 'Günlük bildirim özeti ({{count}})',
    digestIntro: 'Son özetten bu yana {{count}} bildiriminiz var:',
    footer: 'Bu e-postayı su sayacı okuma platformundaki bildirim tercihleriniz nedeniyle aldınız.',
  },
  en: {
    open: 'Open in the console',
    openPortal: 'Open in the portal',
    footerPortal: 'You receive this email because of your notification preferences in the customer portal.',
    unsubscribe: 'Stop emails of this kind',
    unsubscribeAll: 'Stop notification emails',
    digestSubject: 'Daily notification digest ({{count}})',
    digestIntro: 'You have {{count}} notifications since the last digest:',
    footer: 'You receive this email because of your notification preferences on the water meter reading platform.',
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
    done: 'You will no longer receive these notifications by email.',
    invalid: 'The link is invalid or has expired.',
  },
};
