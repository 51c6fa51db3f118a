// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GLOSSARY, glossaryBreaches } from '~/lib/glossary';
import { STATUS_LABELS } from '~/lib/enum-labels';
import { OUT_OF_SERVICE_LABELS } from '~/composables/useDashboardOutOfService';

const locales = fileURLToPath(new URL('../../i18n/locales', import.meta.url));

function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') return { [prefix]: value };
  return Object.entries(value as Record<string, unknown>).reduce<Record<string, string>>(
    (all, [key, inner]) => ({ ...all, ...flatten(inner, prefix ? `${prefix}.${key}` : key) }),
    {},
  );
}

/** Every text of a language: the shared file and one file per area, as nuxt.config.ts loads them. */
function texts(lang: 'tr' | 'en'): Record<string, string> {
  const files = [`${lang}.json`, ...readdirSync(join(locales, lang)).map((name) => join(lang, name))];
  return Object.assign({}, ...files.map((file) => flatten(JSON.parse(readFileSync(join(locales, file), 'utf8')))));
}

describe('glossary', () => {
  const en = texts('en');
  const tr = texts('tr');

  it('holds every key of both languages to one word per concept', () => {
    expect(glossaryBreaches(en, tr)).toEqual([]);
  });

  it('finds a key that translates a glossary term with another word', () => {
    const breaches = glossaryBreaches(
      { a: 'Readings of {tenant} and its child tenants', b: 'Deployed, not started', c: 'Summary of its sub-tenants' },
      { a: '{tenant} ve alt kiracılarının okumaları', b: 'Kuruldu, başlatılmadı', c: 'Alt kurumların özeti' },
    );
    expect(breaches.some((b) => b.startsWith('a: "child tenant"'))).toBe(true);
    expect(breaches.some((b) => b.startsWith('a (tr)'))).toBe(true);
    expect(breaches.some((b) => b.startsWith('c (en)'))).toBe(true);
    expect(breaches.some((b) => b.startsWith('b'))).toBe(false);
  });

  it('writes "email" in English, never "e-mail", and "e-posta" in Turkish; column names and placeholders are not words', () => {
    const breaches = glossaryBreaches(
      { a: 'Enter your e-mail address', b: 'Stop notification E-mails', c: 'Email', d: 'Sent to {email}', e: 'phone, email' },
      {
        a: 'E-posta adresinizi girin',
        b: 'Bildirim e-postalarını durdur',
        c: 'Email',
        d: '{email} adresine gönderildi',
        e: 'phone, email',
      },
    );
    expect(breaches.some((b) => b.startsWith('a (en)'))).toBe(true);
    expect(breaches.some((b) => b.startsWith('b (en)'))).toBe(true);
    expect(breaches.some((b) => b.startsWith('c: "email"'))).toBe(true);
    expect(breaches.some((b) => b.startsWith('c (tr)'))).toBe(true);
    expect(breaches.some((b) => b.startsWith('d'))).toBe(false);
    expect(breaches.filter((b) => b.startsWith('e'))).toHaveLength(2);
    expect(
      glossaryBreaches({ 'imports.upload.customerColumns': 'phone, email' }, { 'imports.upload.customerColumns': 'phone, email' }),
    ).toEqual([]);
  });

  it('uses each glossary term somewhere, so a renamed word cannot make a rule pass silently', () => {
    for (const term of GLOSSARY) {
      expect(
        Object.values(en).some((text) => term.en.test(text)),
        term.concept,
      ).toBe(true);
      expect(
        Object.values(tr).some((text) => term.tr.test(text)),
        term.concept,
      ).toBe(true);
    }
  });

  it('names an asset status with one key on every page', () => {
    for (const [code, key] of Object.entries(OUT_OF_SERVICE_LABELS)) expect(key).toBe(STATUS_LABELS[code as keyof typeof STATUS_LABELS]);
  });
});
