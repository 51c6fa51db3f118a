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
  {
    concept: 'mounting BOTH',
    en: /\bvertical and horizontal\b/i,
    tr: /dikey ve yatay/i,
    avoid: { en: [/\bboth ways\b/i], tr: [/her ikisi/i] },
  },
];

/** Where a translation breaks the glossary: a key whose English uses a term but whose Turkish does not, or an avoided word. */
export function glossaryBreaches(en: Record<string, string>, tr: Record<string, string>): string[] {
  const breaches: string[] = [];
  // A placeholder ("{tenant}") is a value, not a word of the text.
  const words = (text: string) => text.replace(/\{[^}]*\}/g, '');
  for (const term of GLOSSARY) {
    for (const [key, text] of Object.entries(en)) {
      const english = words(text);
      const turkish = tr[key] === undefined ? undefined : words(tr[key]);
      if (turkish === undefined) continue;
      if (term.en.test(english) && !term.tr.test(turkish)) breaches.push(`${key}: "${term.concept}" is "${turkish}" in Turkish`);
    }
    for (const [lang, texts, words] of [
      ['en', en, term.avoid.en],
      ['tr', tr, term.avoid.tr],
    ] as const) {
      for (const [key, text] of Object.entries(texts))
        for (const word of words) if (word.test(text)) breaches.push(`${key} (${lang}): "${text}" uses ${word} for "${term.concept}"`);
    }
  }
  return breaches;
}
