import Handlebars from 'handlebars';

export type ResetLanguage = 'tr' | 'en';

export interface ResetEmailView {
  language: ResetLanguage;
  name: string;
  /** The console's reset page with the token. */
  link: string;
  /** How long the link works, in minutes. */
  minutes: number;
}

const TEXTS = {
  tr: {
    subject: 'Şifre sıfırlama',
    greeting: 'Merhaba {{name}},',
    intro: 'Su Platformu hesabınız için şifre sıfırlama istendi. Yeni şifrenizi belirlemek için bağlantıyı açın:',
    button: 'Şifremi sıfırla',
    expiry: 'Bağlantı {{minutes}} dakika geçerlidir ve yalnızca bir kez kullanılabilir.',
    ignore: 'Bu isteği siz yapmadıysanız bu e-postayı yok sayın; şifreniz değişmez.',
  },
  en: {
    subject: 'Password reset',
    greeting: 'Hello {{name}},',
    intro: 'A password reset was requested for your Water Platform account. Open the link to choose a new password:',
    button: 'Reset my password',
    expiry: 'The link works for {{minutes}} minutes and only once.',
    ignore: 'If you did not ask for this, ignore this email; your password stays as it is.',
  },
} as const satisfies Record<ResetLanguage, Record<string, string>>;

const HTML = `<!doctype html>
<html lang="{{language}}">
<head><meta charset="utf-8"><title>{{texts.subject}}</title></head>
<body style="font-family: Arial, sans-serif; color: #1f2933; max-width: 600px; margin: 0 auto; padding: 16px">
  <p>{{greeting}}</p>
  <p>{{texts.intro}}</p>
  <p><a href="{{link}}" style="display: inline-block; padding: 10px 16px; background: #0f5ea8; color: #fff; text-decoration: none; border-radius: 6px">{{texts.button}}</a></p>
  <p style="font-size: 12px; color: #616e7c; word-break: break-all">{{link}}</p>
  <p>{{expiry}}</p>
  <hr>
  <p style="color: #616e7c; font-size: 12px">{{texts.ignore}}</p>
</body>
</html>`;

const TEXT = `{{greeting}}

{{texts.intro}}

{{link}}

{{expiry}}

--
{{texts.ignore}}
`;

// Our own Handlebars environment, strict: a missing field fails the render. HTML escapes every value.
const hbs = Handlebars.create();
const html = hbs.compile(HTML, { strict: true });
const text = hbs.compile(TEXT, { noEscape: true, strict: true });
const line = (source: string) => hbs.compile(source, { noEscape: true, strict: true });
const greetings = { tr: line(TEXTS.tr.greeting), en: line(TEXTS.en.greeting) };
const expiries = { tr: line(TEXTS.tr.expiry), en: line(TEXTS.en.expiry) };

/** The password-reset e-mail in the recipient's language: subject, HTML and plain text. */
export function renderResetEmail(view: ResetEmailView): { subject: string; html: string; text: string } {
  const texts = TEXTS[view.language];
  const greeting = greetings[view.language]({ name: view.name });
  const expiry = expiries[view.language]({ minutes: view.minutes });
  const data = { language: view.language, link: view.link, texts, greeting, expiry };
  return { subject: texts.subject, html: html(data), text: text(data) };
}
