import Handlebars from 'handlebars';
import { formatDateTime } from '@water/shared';
import type { NotificationEvents, NotificationEventType, NotificationSeverity } from './notifications.events';
import { EMAIL_HTML, EMAIL_TEXT, UNSUBSCRIBED_HTML } from './templates/email';
import {
  ALARM_ADVICE,
  ALARM_LABELS,
  EMAIL_TEXTS,
  IMPORT_KINDS,
  MESSAGES,
  RUN_STATUSES,
  UNSUBSCRIBED_PAGE,
  type Language,
} from './templates/messages';

export type { Language } from './templates/messages';

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
function message(event: NotificationEventType, language: Language, part: 'title' | 'body'): HandlebarsTemplateDelegate {
  const key = `${event}:${language}:${part}`;
  let template = compiled.get(key);
  if (!template) {
    template = plain(MESSAGES[event][language][part]);
    compiled.set(key, template);
  }
  return template;
}

const formatKurus = (kurus: string) => {
  const n = BigInt(kurus);
  const sign = n < 0n ? '-' : '';
  const abs = n < 0n ? -n : n;
  return `${sign}${(abs / 100n).toLocaleString('tr-TR')},${String(abs % 100n).padStart(2, '0')}`;
};

/** The fields a message template reads, per event. */
function viewOf<E extends NotificationEventType>(event: E, p: NotificationEvents[E], ctx: EventContext, language: Language): object {
  const time = (iso: string | null) => (iso ? formatDateTime(iso, ctx.timeZone) : '');
  const base = { tenantName: ctx.tenantName };
  switch (event) {
    case 'alarm.opened':
    case 'alarm.cleared': {
      const a = p as NotificationEvents['alarm.opened'];
      return {
        ...base,
        alarmLabel: ALARM_LABELS[language][a.type] ?? a.type,
        subject: ctx.subject ?? a.deviceId ?? a.id,
        startedAt: time(a.startedAt),
        clearedAt: time(a.clearedAt),
        advice: event === 'alarm.opened' ? (ALARM_ADVICE[language][a.type] ?? '') : '',
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
): { title: string; body: string } {
  const view = viewOf(event, payload, ctx, language);
  return { title: message(event, language, 'title')(view).slice(0, 300), body: message(event, language, 'body')(view).slice(0, 4000) };
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
  consoleUrl: string;
  unsubscribeUrl: string;
}): { subject: string; html: string; text: string } {
  const texts = EMAIL_TEXTS[o.language];
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
