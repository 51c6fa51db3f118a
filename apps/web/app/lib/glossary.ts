// Turkish words are matched without \b: JavaScript's word boundary knows only ASCII letters (ı, ç, ş).

/**
 * The console's glossary (issue 21; the table in CONTRIBUTING.md "Words"): one word per concept in each
 * language. `en` and `tr` match the word in a text (stems, so Turkish suffixes pass); `avoid` lists the
 * other words a page once used for the same thing. test/unit/glossary.test.ts holds the locale files to it.
 */
export interface GlossaryTerm {
  concept: string;
  en: RegExp;
  tr: RegExp;
  avoid: { en: RegExp[]; tr: RegExp[] };
}

export const GLOSSARY: readonly GlossaryTerm[] = [
  {
    concept: 'child tenant',
    en: /\bchild tenants?\b/i,
    tr: /alt kurum/i,
    avoid: { en: [/\bsub-?tenants?\b/i], tr: [/alt kiracı/i, /alt müşteri/i] },
  },
  { concept: 'tenant', en: /\btenants?\b/i, tr: /kurum/i, avoid: { en: [], tr: [/kiracı/i] } },
  { concept: 'decoder', en: /\bdecoders?\b/i, tr: /çözücü/i, avoid: { en: [], tr: [/dekoder/i, /kod çözücü/i] } },
  { concept: 'password', en: /\bpasswords?\b/i, tr: /şifre/i, avoid: { en: [], tr: [/parola/i] } },
  {
    concept: 'status DEPLOYED_NOT_STARTED',
    en: /\bdeployed, not started\b/i,
    tr: /kuruldu, başlatılmadı/i,
    avoid: { en: [/\binstalled, not started\b/i], tr: [/kurulu, başlamamış/i] },
  },
  // "email", one word, as current English style guides write it (issue 21: pages used both).
  { concept: 'email', en: /\bemails?\b/i, tr: /e-?posta/i, avoid: { en: [/\be-mails?\b/i], tr: [/\be-?mail/i] } },
  {
    concept: 'mounting BOTH',
    en: /\bvertical and horizontal\b/i,
    tr: /dikey ve yatay/i,
    avoid: { en: [/\bboth ways\b/i], tr: [/her ikisi/i] },
  },
];

/** Texts that list an import file's column names (subscription_no, email, …): identifiers, the same in both languages. */
export const COLUMN_LIST_KEYS: readonly string[] = [
  'imports.upload.customerColumns',
  'imports.upload.meterColumns',
  'imports.upload.deviceColumns',
];

/** Where a translation breaks the glossary: a key whose English uses a term but whose Turkish does not, or an avoided word. */
export function glossaryBreaches(en: Record<string, string>, tr: Record<string, string>): string[] {
  const breaches: string[] = [];
  // A placeholder ("{tenant}") is a value, not a word of the text; a list of column names holds no words.
  const words = (text: string) => text.replace(/\{[^}]*\}/g, '');
  const prose = (texts: Record<string, string>) => Object.entries(texts).filter(([key]) => !COLUMN_LIST_KEYS.includes(key));
  for (const term of GLOSSARY) {
    for (const [key, text] of prose(en)) {
      const english = words(text);
      const turkish = tr[key] === undefined ? undefined : words(tr[key]);
      if (turkish === undefined) continue;
      if (term.en.test(english) && !term.tr.test(turkish)) breaches.push(`${key}: "${term.concept}" is "${turkish}" in Turkish`);
    }
    for (const [lang, texts, avoided] of [
      ['en', en, term.avoid.en],
      ['tr', tr, term.avoid.tr],
    ] as const) {
      for (const [key, text] of prose(texts))
        for (const word of avoided)
          if (word.test(words(text))) breaches.push(`${key} (${lang}): "${text}" uses ${word} for "${term.concept}"`);
    }
  }
  return breaches;
}
