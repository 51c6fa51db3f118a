import Handlebars from 'handlebars';
import type { ChallengePurpose } from './portal-auth.repository';

export type Language = 'tr' | 'en';

interface Texts {
  subject: string;
  intro: string;
  action: string;
}

/** What each code's e-mail says, per purpose and language (Handlebars; {{tenantName}}, {{duration}}). */
const TEXTS: Record<ChallengePurpose, Record<Language, Texts>> = {
  SIGNUP: {
    tr: {
      subject: 'Su portalı doğrulama kodunuz',
      intro: '{{tenantName}} su portalına kaydınızı tamamlamak için aşağıdaki kodu girin.',
      action: 'Kaydı tamamla',
    },
    en: {
      subject: 'Your water portal verification code',
      intro: 'Enter the code below to finish signing up for the {{tenantName}} water portal.',
      action: 'Finish signing up',
    },
  },
  INVITATION: {
    tr: {
      subject: 'Su portalı davetiniz',
      intro:
        '{{tenantName}} sizi su portalına davet ediyor: tüketiminizi, faturalarınızı ve alarmlarınızı buradan izleyebilirsiniz. Hesabınızı açmak için aşağıdaki kodu girin.',
      action: 'Hesabımı aç',
    },
    en: {
      subject: 'Your invitation to the water portal',
      intro:
        '{{tenantName}} invites you to its water portal, where you can follow your consumption, invoices and alarms. Enter the code below to open your account.',
      action: 'Open my account',
    },
  },
  PASSWORD_RESET: {
    tr: {
      subject: 'Su portalı şifre sıfırlama kodunuz',
      intro:
        '{{tenantName}} su portalındaki şifrenizi yenilemek için aşağıdaki kodu girin. Bu isteği siz yapmadıysanız bu e-postayı dikkate almayın.',
      action: 'Şifremi yenile',
    },
    en: {
      subject: 'Your water portal password reset code',
      intro:
        'Enter the code below to set a new password for the {{tenantName}} water portal. If you did not ask for this, ignore this email.',
      action: 'Reset my password',
    },
  },
};

const COMMON: Record<Language, { code: string; validity: string; footer: string }> = {
  tr: {
    code: 'Kodunuz',
    validity: 'Kod {{duration}} geçerlidir ve yalnızca bir kez kullanılabilir. Kodu kimseyle paylaşmayın.',
    footer: 'Bu e-posta su portalı hesabınızla ilgili olduğu için gönderildi.',
  },
  en: {
    code: 'Your code',
    validity: 'The code works for {{duration}} and only once. Do not share it with anyone.',
    footer: 'You receive this email because it concerns your water portal account.',
  },
};

const HTML = `<!doctype html>
<html lang="{{language}}">
<head><meta charset="utf-8"><title>{{subject}}</title></head>
<body style="font-family: Arial, sans-serif; color: #1f2933; max-width: 600px; margin: 0 auto; padding: 16px">
  <p>{{intro}}</p>
  <p style="margin: 0">{{codeLabel}}:</p>
  <p style="font-size: 28px; font-weight: bold; letter-spacing: 6px; margin: 6px 0 12px">{{code}}</p>
  <p>{{validity}}</p>
  <p><a href="{{link}}">{{action}}</a></p>
  <hr>
  <p style="color: #616e7c; font-size: 12px">{{footer}}</p>
</body>
</html>`;

const TEXT = `{{intro}}

{{codeLabel}}: {{code}}

{{validity}}

{{action}}: {{link}}

--
{{footer}}
`;

// An environment of our own (no global helpers), strict: a missing field fails the render.
const hbs = Handlebars.create();
const plain = (source: string) => hbs.compile(source, { noEscape: true, strict: true });
const html = hbs.compile(HTML, { strict: true });
const text = plain(TEXT);

/** "15 dakika", "72 hours": hours from two hours on. */
function duration(minutes: number, language: Language): string {
  const hours = minutes >= 120 ? Math.round(minutes / 60) : null;
  if (language === 'tr') return hours ? `${hours} saat` : `${minutes} dakika`;
  return hours ? `${hours} hours` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** The code's e-mail in HTML and text; every value is escaped in the HTML. */
export function renderCodeEmail(o: {
  purpose: ChallengePurpose;
  language: Language;
  tenantName: string;
  code: string;
  minutes: number;
  link: string;
}): { subject: string; html: string; text: string } {
  const t = TEXTS[o.purpose][o.language];
  const c = COMMON[o.language];
  const vars = { tenantName: o.tenantName, duration: duration(o.minutes, o.language) };
  const view = {
    language: o.language,
    subject: t.subject,
    intro: plain(t.intro)(vars),
    codeLabel: c.code,
    code: o.code,
    validity: plain(c.validity)(vars),
    action: t.action,
    link: o.link,
    footer: c.footer,
  };
  return { subject: t.subject, html: html(view), text: text(view) };
}

/** Where the e-mail's button leads: the portal's sign-up or password-reset page for this challenge. */
export function codeLink(publicUrl: string, purpose: ChallengePurpose, challengeId: string): string {
  const page = purpose === 'PASSWORD_RESET' ? 'reset-password' : 'signup';
  return `${publicUrl.replace(/\/$/, '')}/portal/${page}?challenge=${encodeURIComponent(challengeId)}`;
}
