import Handlebars from 'handlebars';
import { formatDateTime } from '@water/shared';
import {
  isCustomerEventType,
  type NotificationEvents,
  type NotificationEventType,
  type NotificationSeverity,
  type OperatorEventType,
} from './notifications.events';
import { EMAIL_HTML, EMAIL_TEXT, UNSUBSCRIBED_HTML } from './templates/email';
import {
  ALARM_ADVICE,
  ALARM_LABELS,
  CUSTOMER_ALARM_ADVICE,
  CUSTOMER_MESSAGES,
  EMAIL_TEXTS,
  IMPORT_KINDS,
  MESSAGES,
  RUN_STATUSES,
  UNSUBSCRIBED_PAGE,
  type Language,
} from './templates/messages';

export type { Language } from './templates/messages';

/** Who reads the texts: an operator (console) or a customer (portal), who is told other things in other words. */
export type Audience = 'operator' | 'customer';

/** What the texts may say about where an event happened, looked up by the fan-out. */
export interface EventContext {
  tenantName: string;
  timeZone: string;
  /** The alarm's meter serial number or device id, when there is one. */
  subject?: string | null;
}

// One Handlebars environment of our own (no global helpers or partials), strict: a missing field fails the render.
const hbs = Handlebars.create();
const plain = (source: string) => hbs.compile(source, { noEscape: true, strict: true });
const html = (source: string) => hbs.compile(source, { strict: true });

const compiled = new Map<string, HandlebarsTemplateDelegate>();
function cached(key: string, source: string): HandlebarsTemplateDelegate {
  let template = compiled.get(key);
  if (!template) {
    template = plain(source);
    compiled.set(key, template);
  }
  return template;
}
/** The audience's texts of the event; customers' events have customer texts only, whoever reads them (a preview). */
function message(event: NotificationEventType, language: Language, part: 'title' | 'body', audience: Audience): HandlebarsTemplateDelegate {
  const customer = isCustomerEventType(event) && (audience === 'customer' || !(event in MESSAGES));
  const source = customer ? CUSTOMER_MESSAGES[event][language][part] : MESSAGES[event as OperatorEventType][language][part];
  return cached(`${customer ? 'c' : 'o'}:${event}:${language}:${part}`, source);
}

/** 2026-03-01 → 01.03.2026 (a calendar day, no zone). */
const formatDay = (day: string | undefined) =>
  day && /^\d{4}-\d{2}-\d{2}/.test(day) ? day.slice(0, 10).split('-').reverse().join('.') : (day ?? '');

/** Whole liras grouped the Turkish way (BigInt#toLocaleString builds a formatter per call). */
const LIRA = new Intl.NumberFormat('tr-TR');

const formatKurus = (kurus: string | undefined) => {
  const n = BigInt(kurus ?? '0');
  const sign = n < 0n ? '-' : '';
  const abs = n < 0n ? -n : n;
  return `${sign}${LIRA.format(abs / 100n)},${String(abs % 100n).padStart(2, '0')}`;
};

/** The fields a message template reads, per event. */
function viewOf<E extends NotificationEventType>(
  event: E,
  p: NotificationEvents[E],
  ctx: EventContext,
  language: Language,
  audience: Audience,
): object {
  const time = (iso: string | null | undefined) => (iso ? formatDateTime(iso, ctx.timeZone) : '');
  const base = { tenantName: ctx.tenantName };
  switch (event) {
    case 'alarm.opened':
    case 'alarm.cleared': {
      const a = p as NotificationEvents['alarm.opened'];
      const advice =
        event !== 'alarm.opened'
          ? ''
          : audience === 'customer'
            ? cached(`advice:${language}:${a.type}`, CUSTOMER_ALARM_ADVICE[language][a.type] ?? '')(base)
            : (ALARM_ADVICE[language][a.type] ?? '');
      return {
        ...base,
        alarmLabel: ALARM_LABELS[language][a.type] ?? a.type,
        subject: ctx.subject ?? a.deviceId ?? a.id,
        startedAt: time(a.startedAt),
        clearedAt: time(a.clearedAt),
        advice,
      };
    }
    case 'invoice.issued': {
      const i = p as NotificationEvents['invoice.issued'];
      return {
        ...base,
        number: i.number ?? '',
        gross: formatKurus(i.grossKurus),
        periodStart: formatDay(i.periodStart),
        periodEnd: formatDay(i.periodEnd),
        dueDate: formatDay(i.dueDate),
      };
    }
    case 'payment.received': {
      const r = p as NotificationEvents['payment.received'];
      const balance = BigInt(r.balanceKurus ?? '0');
      return {
        ...base,
        amount: formatKurus(r.amountKurus),
        receivedAt: r.receivedAt ? formatDateTime(r.receivedAt, ctx.timeZone).slice(0, 10) : '',
        owes: balance > 0n,
        balance: formatKurus(String(balance)),
      };
    }
    case 'payment.overdue': {
      const o = p as NotificationEvents['payment.overdue'];
      return {
        ...base,
        number: o.number ?? '',
        dueDate: formatDay(o.dueDate),
        daysOverdue: o.daysOverdue ?? 0,
        outstanding: formatKurus(o.outstandingKurus),
      };
    }
    case 'import.finished': {
      const i = p as NotificationEvents['import.finished'];
      return { ...base, ...i, ok: i.status === 'DONE' && !i.failedRows, kindLabel: IMPORT_KINDS[language][i.kind] };
    }
    default: {
      const r = p as NotificationEvents['billing.run.finished'];
      return { ...base, ...r, statusLabel: RUN_STATUSES[language][r.status], gross: formatKurus(r.grossKurus) };
    }
  }
}

/** Title and body of one event in one language (plain text). */
export function renderMessage<E extends NotificationEventType>(
  event: E,
  payload: NotificationEvents[E],
  ctx: EventContext,
  language: Language,
  audience: Audience = 'operator',
): { title: string; body: string } {
  const view = viewOf(event, payload, ctx, language, audience);
  return {
    title: message(event, language, 'title', audience)(view).slice(0, 300),
    body: message(event, language, 'body', audience)(view).slice(0, 4000),
  };
}

const SEVERITY_COLORS: Record<NotificationSeverity, string> = {
  INFO: '#3e7bfa',
  SUCCESS: '#27ab83',
  WARNING: '#f0b429',
  CRITICAL: '#e12d39',
};
const emailHtml = html(EMAIL_HTML);
const emailText = plain(EMAIL_TEXT);
const unsubscribedHtml = html(UNSUBSCRIBED_HTML);

export interface EmailItem {
  title: string;
  body: string;
  severity: NotificationSeverity;
  createdAt: Date;
}

/** One e-mail (a single notification, or a digest of several) in HTML and text, user data escaped in the HTML. */
export function renderEmail(o: {
  language: Language;
  timeZone: string;
  items: EmailItem[];
  digest: boolean;
  /** Where the reader's notification centre is: the console's, or the portal's for a customer. */
  consoleUrl: string;
  unsubscribeUrl: string;
  audience?: Audience;
}): { subject: string; html: string; text: string } {
  const all = EMAIL_TEXTS[o.language];
  const texts = o.audience === 'customer' ? { ...all, open: all.openPortal, footer: all.footerPortal } : all;
  const count = { count: o.items.length };
  const subject = o.digest ? plain(texts.digestSubject)(count) : o.items[0].title;
  const view = {
    language: o.language,
    subject,
    intro: o.digest ? plain(texts.digestIntro)(count) : '',
    items: o.items.map((i) => ({
      title: i.title,
      body: i.body,
      time: formatDateTime(i.createdAt, o.timeZone),
      color: SEVERITY_COLORS[i.severity],
    })),
    texts,
    consoleUrl: o.consoleUrl,
    unsubscribeUrl: o.unsubscribeUrl,
    unsubscribeText: o.digest ? texts.unsubscribeAll : texts.unsubscribe,
  };
  return { subject, html: emailHtml(view), text: emailText(view) };
}

export function renderUnsubscribedPage(language: Language, ok: boolean): string {
  const page = UNSUBSCRIBED_PAGE[language];
  return unsubscribedHtml({ language, title: page.title, message: ok ? page.done : page.invalid });
}
